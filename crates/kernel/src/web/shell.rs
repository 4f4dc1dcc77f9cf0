//! What the page layout needs: the translator, the current path (for the language switch), the
//! CSRF token for forms, and who is signed in.

use super::Ctx;
use crate::i18n::{Lang, Tr};

pub struct ShellUser {
    pub name: String,
    pub is_admin: bool,
    /// Codes of the roles held anywhere, so a page links only to what its visitor may open.
    pub roles: Vec<&'static str>,
}

pub struct Shell {
    pub t: Tr,
    pub path: String,
    pub csrf: String,
    pub user: Option<ShellUser>,
}

impl Shell {
    pub fn new(ctx: &Ctx) -> Self {
        Self {
            t: ctx.tr(),
            path: ctx.path.clone(),
            csrf: ctx.csrf.clone(),
            user: ctx.principal.as_ref().map(|p| ShellUser {
                name: p.name.clone(),
                is_admin: p.is_admin(),
                roles: p.grants.iter().map(|g| g.role.code()).collect(),
            }),
        }
    }

    pub fn anonymous(lang: Lang, path: &str, csrf: String) -> Self {
        Self {
            t: Tr::new(lang),
            path: path.to_string(),
            csrf,
            user: None,
        }
    }

    /// Whether the visitor holds any of these roles (by code): a link to a staff page is shown
    /// only to whoever may open it, never to a guest.
    pub fn has_any_role(&self, codes: &[&str]) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.roles.iter().any(|r| codes.contains(r)))
    }

    /// Whether the visitor administers the platform (the audit log and the outbox are theirs).
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_admin)
    }

    /// Link that switches to the other language and comes back here.
    pub fn lang_href(&self) -> String {
        format!(
            "/bahasa/{}?next={}",
            self.t.lang.other().code(),
            super::forms::urlencode(&self.path)
        )
    }

    pub fn other_lang_name(&self) -> &'static str {
        match self.t.lang.other() {
            Lang::Id => "Bahasa Indonesia",
            Lang::En => "English",
        }
    }

    pub fn other_lang_code(&self) -> &'static str {
        self.t.lang.other().code()
    }

    pub fn css_href(&self) -> &'static str {
        super::assets::css_href()
    }

    /// `aria-current` for the navigation link of the current section.
    /// The installed programmes, in the home page's order: the header's menu.
    pub fn programmes(&self) -> Vec<&'static crate::room::Programme> {
        let mut p: Vec<_> = crate::room::installed()
            .iter()
            .filter_map(|r| r.programme.as_ref())
            .collect();
        p.sort_by_key(|p| p.order);
        p
    }

    /// The locale key of a programme's short name in the menu.
    pub fn short_name_key(&self, p: &crate::room::Programme) -> String {
        format!("programme.{}.short", p.key)
    }

    pub fn current(&self, prefix: &str) -> &'static str {
        if self.path == prefix || (prefix != "/" && self.path.starts_with(prefix)) {
            "page"
        } else {
            "false"
        }
    }
}
