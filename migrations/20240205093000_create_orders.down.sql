-- strata:description Drop orders
-- strata:author Tomas Ortega

DROP TABLE "orders";
