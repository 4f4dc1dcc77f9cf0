//! What Lion records in the audit log, as typed events: each variant fixes the entry's action,
//! the kind of record it touches and its summary.

use super::levy::LevyRules;
use super::rules::Format;

/// Lion's audit events.
#[derive(Debug, Clone, PartialEq)]
pub enum AuctionEvent<'a> {
    /// A port was created, or updated with its levy rules.
    PortSaved {
        id: i64,
        code: &'a str,
        levy: &'a LevyRules,
    },
    /// A buyer asked to bid at a port.
    BuyerRegistered { id: i64, port: i64 },
    /// The port verified a buyer: deposit lodged, credit set.
    BuyerVerified {
        id: i64,
        deposit: i64,
        credit_limit: i64,
    },
    /// A session was scheduled at a port.
    SessionCreated { id: i64, port: i64, format: Format },
    /// A landed lot was registered.
    LotRegistered { id: i64, grams: i64, species: i64 },
    /// A photo was added to a lot.
    LotPhotoAdded { id: i64, sha256: &'a str },
    /// The cashier recorded a sale as paid in full.
    SalePaid { id: i64 },
}

impl anjungan_kernel::audit::Event for AuctionEvent<'_> {
    fn action(&self) -> &'static str {
        match self {
            AuctionEvent::PortSaved { .. } => "auction.port.save",
            AuctionEvent::BuyerRegistered { .. } => "auction.buyer.register",
            AuctionEvent::BuyerVerified { .. } => "auction.buyer.verify",
            AuctionEvent::SessionCreated { .. } => "auction.session.create",
            AuctionEvent::LotRegistered { .. } => "auction.lot.register",
            AuctionEvent::LotPhotoAdded { .. } => "auction.lot.photo",
            AuctionEvent::SalePaid { .. } => "auction.sale.paid",
        }
    }

    fn record_type(&self) -> &'static str {
        match self {
            AuctionEvent::PortSaved { .. } => "auction_port",
            AuctionEvent::BuyerRegistered { .. } | AuctionEvent::BuyerVerified { .. } => {
                "auction_buyer"
            }
            AuctionEvent::SessionCreated { .. } => "auction_session",
            AuctionEvent::LotRegistered { .. } | AuctionEvent::LotPhotoAdded { .. } => {
                "auction_lot"
            }
            AuctionEvent::SalePaid { .. } => "auction_sale",
        }
    }

    fn record_id(&self) -> String {
        match self {
            AuctionEvent::PortSaved { id, .. }
            | AuctionEvent::BuyerRegistered { id, .. }
            | AuctionEvent::BuyerVerified { id, .. }
            | AuctionEvent::SessionCreated { id, .. }
            | AuctionEvent::LotRegistered { id, .. }
            | AuctionEvent::LotPhotoAdded { id, .. }
            | AuctionEvent::SalePaid { id } => id.to_string(),
        }
    }

    fn summary(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            AuctionEvent::PortSaved { code, levy, .. } => json!({"code": code, "levy": levy}),
            AuctionEvent::BuyerRegistered { port, .. } => json!({"port": port}),
            AuctionEvent::BuyerVerified {
                deposit,
                credit_limit,
                ..
            } => json!({"deposit": deposit, "credit_limit": credit_limit}),
            AuctionEvent::SessionCreated { port, format, .. } => {
                json!({"port": port, "format": format.code()})
            }
            AuctionEvent::LotRegistered { grams, species, .. } => {
                json!({"grams": grams, "species": species})
            }
            AuctionEvent::LotPhotoAdded { sha256, .. } => json!({"sha256": sha256}),
            AuctionEvent::SalePaid { .. } => json!({}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anjungan_kernel::audit::Event;
    use serde_json::json;

    #[test]
    fn events_record_what_the_calls_recorded() {
        let e = AuctionEvent::SessionCreated {
            id: 12,
            port: 3,
            format: Format::Clock,
        };
        assert_eq!(
            (e.action(), e.record_type(), e.record_id()),
            (
                "auction.session.create",
                "auction_session",
                "12".to_string()
            )
        );
        assert_eq!(e.summary().to_string(), r#"{"format":"clock","port":3}"#);
        let e = AuctionEvent::BuyerVerified {
            id: 5,
            deposit: 1_000_000,
            credit_limit: 25_000_000,
        };
        assert_eq!(
            (e.action(), e.record_type(), e.record_id()),
            ("auction.buyer.verify", "auction_buyer", "5".to_string())
        );
        assert_eq!(
            e.summary(),
            json!({"deposit": 1_000_000, "credit_limit": 25_000_000})
        );
        let e = AuctionEvent::SalePaid { id: 77 };
        assert_eq!(
            (e.action(), e.record_type(), e.record_id()),
            ("auction.sale.paid", "auction_sale", "77".to_string())
        );
        assert_eq!(e.summary(), json!({}));
    }

    #[test]
    fn a_saved_port_carries_its_levy_rules_as_stored() {
        let levy = LevyRules::trenggalek_default();
        let e = AuctionEvent::PortSaved {
            id: 1,
            code: "PRIGI",
            levy: &levy,
        };
        assert_eq!(
            (e.action(), e.record_type()),
            ("auction.port.save", "auction_port")
        );
        assert_eq!(e.summary(), json!({"code": "PRIGI", "levy": levy}));
    }
}
