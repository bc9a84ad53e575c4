-- strata:description Create app_settings: the application's configuration as key/value rows
-- strata:author Maya Chen

-- One row per setting. value is text; the application parses it by the key's documented
-- type (e.g. tax_rate is a decimal, maintenance_mode is 'true' or 'false'). The rows
-- themselves are reference data filled by seeds/app_settings.yaml.
CREATE TABLE "app_settings" (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    description TEXT,
    updated_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
