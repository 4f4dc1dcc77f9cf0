//! The errors of Lion: `AuctionError`, each refusal of its rules with the translated message it
//! shows, and `StoreError`, what a use case or a query returns — a refusal or a kernel failure
//! (the database, access).

#[allow(unused_imports)]
use crate::domain::*;

/// The one error type of the room; each maps to a translated message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuctionError {
    #[error("the session is not open")]
    NotOpen,
    #[error("the session is paused")]
    Paused,
    #[error("the session is not paused")]
    NotPaused,
    #[error("the session is already open")]
    AlreadyOpen,
    #[error("the session is over")]
    SessionOver,
    #[error("no such lot in this session")]
    NoSuchLot,
    #[error("this lot is not open yet")]
    LotNotOpen,
    #[error("this lot is closed")]
    LotOver,
    #[error("a lot with this number is already in the session")]
    DuplicateLot,
    #[error("too many lots in one session")]
    TooManyLots,
    #[error("a session needs at least one lot")]
    NoLots,
    #[error("too few eligible buyers: {have} of {need}")]
    TooFewBuyers { have: i64, need: i64 },
    #[error("the buyer is not admitted to this session")]
    NotAdmitted,
    #[error("the buyer has unpaid purchases and may not bid")]
    Blocked,
    #[error("the bid must be at least {minimum}")]
    BidTooLow { minimum: i64 },
    #[error("you already lead this lot")]
    AlreadyLeading,
    #[error("a new maximum must be above your current one ({current})")]
    MaxNotHigher { current: i64 },
    #[error("this would exceed the buyer's limit ({would_be} of {limit})")]
    ExposureExceeded { limit: i64, would_be: i64 },
    #[error("this lot is not sold in that format")]
    WrongFormat,
    #[error("the weight must be positive")]
    BadWeight,
    #[error("the price must be positive")]
    BadPrice,
    #[error("the amount is not valid")]
    BadAmount,
    #[error("invalid session rules: {0}")]
    BadRules(&'static str),
    #[error("a session starts between now and seven days ahead")]
    BadStart,
    #[error("unknown grade")]
    BadGrade,
    #[error("choose a species (FAO ASFIS code of three letters)")]
    BadSpecies,
    #[error("a lot needs its owner (the fisher)")]
    NoOwner,
    #[error("the buyer's identity has not been checked")]
    IdentityUnchecked,
    #[error("the buyer has not lodged a deposit")]
    NoDeposit,
    #[error("not found")]
    NotFound,
    #[error("this lot is already in a session or sold")]
    LotTaken,
    #[error("the port already has a session open")]
    PortBusy,
    #[error("the session is busy; try again")]
    Busy,
    #[error("a name of 2 to 80 characters is required")]
    BadName,
    #[error("already registered at this port")]
    AlreadyRegistered,
    #[error("not allowed")]
    Forbidden,
    #[error("a day is written YYYY-MM-DD")]
    BadDay,
    #[error("this ticket is already paid, or not of this port")]
    AlreadyPaid,
    #[error("gross tonnage from 0.1 to 1,000 GT, one decimal")]
    BadTonnage,
    #[error("not a valid mobile number")]
    BadPhone,
    #[error("a photo must be an uploaded image (JPEG, PNG or WebP, at most 4 MB)")]
    BadPhoto,
    #[error("at most three photos a lot")]
    TooManyPhotos,
    #[error("a port code of letters and digits, at most 20")]
    BadPortCode,
}

impl AuctionError {
    pub fn message_key(&self) -> &'static str {
        match self {
            AuctionError::NotOpen => "auction.error.not_open",
            AuctionError::Paused => "auction.error.paused",
            AuctionError::NotPaused => "auction.error.not_paused",
            AuctionError::AlreadyOpen => "auction.error.already_open",
            AuctionError::SessionOver => "auction.error.session_over",
            AuctionError::NoSuchLot => "auction.error.no_lot",
            AuctionError::LotNotOpen => "auction.error.lot_not_open",
            AuctionError::LotOver => "auction.error.lot_over",
            AuctionError::DuplicateLot => "auction.error.duplicate_lot",
            AuctionError::TooManyLots => "auction.error.too_many_lots",
            AuctionError::NoLots => "auction.error.no_lots",
            AuctionError::TooFewBuyers { .. } => "auction.error.too_few_buyers",
            AuctionError::NotAdmitted => "auction.error.not_admitted",
            AuctionError::Blocked => "auction.error.blocked",
            AuctionError::BidTooLow { .. } => "auction.error.bid_too_low",
            AuctionError::AlreadyLeading => "auction.error.already_leading",
            AuctionError::MaxNotHigher { .. } => "auction.error.max_not_higher",
            AuctionError::ExposureExceeded { .. } => "auction.error.exposure",
            AuctionError::WrongFormat => "auction.error.wrong_format",
            AuctionError::BadWeight => "auction.error.weight",
            AuctionError::BadPrice => "auction.error.price",
            AuctionError::BadAmount => "auction.error.amount",
            AuctionError::BadRules(_) => "auction.error.rules",
            AuctionError::BadStart => "auction.error.start",
            AuctionError::BadGrade => "auction.error.grade",
            AuctionError::BadSpecies => "auction.error.species",
            AuctionError::NoOwner => "auction.error.owner",
            AuctionError::IdentityUnchecked => "auction.error.identity",
            AuctionError::NoDeposit => "auction.error.deposit",
            AuctionError::NotFound => "error.not_found",
            AuctionError::LotTaken => "auction.error.lot_taken",
            AuctionError::PortBusy => "auction.error.port_busy",
            AuctionError::Busy => "auction.error.busy",
            AuctionError::BadName => "auction.error.name",
            AuctionError::AlreadyRegistered => "auction.error.already_registered",
            AuctionError::Forbidden => "error.forbidden",
            AuctionError::BadDay => "auction.error.day",
            AuctionError::AlreadyPaid => "auction.error.already_paid",
            AuctionError::BadTonnage => "auction.error.tonnage",
            AuctionError::BadPhone => "auction.error.phone",
            AuctionError::BadPhoto => "auction.error.photo",
            AuctionError::TooManyPhotos => "auction.error.too_many_photos",
            AuctionError::BadPortCode => "auction.error.port_code",
        }
    }

    /// A short machine code for the API and the live feed.
    pub fn code(&self) -> &'static str {
        let key = self.message_key();
        key.rsplit('.').next().unwrap_or(key)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Auction(#[from] AuctionError),
    #[error(transparent)]
    Kernel(#[from] anjungan_kernel::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Kernel(e.into())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;
