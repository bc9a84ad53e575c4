-- strata:description Drop the order_summaries view
-- strata:author Tomas Ortega

DROP VIEW order_summaries;
