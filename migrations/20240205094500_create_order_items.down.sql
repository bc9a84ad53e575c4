-- strata:description Drop order lines
-- strata:author Tomas Ortega

DROP TABLE "order_items";
