-- strata:description Drop the product catalogue
-- strata:author Priya Nair

DROP TABLE "products";
