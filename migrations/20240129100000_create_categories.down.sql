-- strata:description Drop product categories
-- strata:author Priya Nair

-- With PRAGMA foreign_keys=ON, DROP TABLE first deletes the rows one by one, and the
-- ON DELETE RESTRICT self-reference refuses to delete a category that still has
-- subcategories at that moment. Detach the tree first so the drop cannot fail halfway.
UPDATE "categories" SET parent_id = NULL WHERE parent_id IS NOT NULL;

DROP TABLE "categories";
