-- Services about a place (a broken street light, a village without internet) publish where:
-- Open311 `GET requests` shows their location. Letters and other personal services never do.
ALTER TABLE desk_services ADD COLUMN public_location BIGINT NOT NULL DEFAULT 0;
