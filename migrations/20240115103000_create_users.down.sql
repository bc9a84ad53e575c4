-- strata:description Drop the users table
-- strata:author Maya Chen

DROP TABLE "users";
