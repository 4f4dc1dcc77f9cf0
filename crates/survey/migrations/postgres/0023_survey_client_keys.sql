-- A survey kiosk's de-duplication key is per unit: stored as `{unit}:{key}`.
UPDATE survey_responses SET client_key = org_id || ':' || client_key WHERE client_key IS NOT NULL;
