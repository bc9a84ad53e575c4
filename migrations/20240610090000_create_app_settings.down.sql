-- strata:description Drop app_settings (the settings stored in it are lost)
-- strata:author Maya Chen

DROP TABLE "app_settings";
