//! PostgreSQL's catalog queries for introspection, one per object kind, each over every table
//! of the user's namespaces at once; system schemas and extension-owned objects are filtered out
//! in SQL.

/// The user's namespaces: no system schema, no extension's schema.
macro_rules! user_namespace {
    ($n:literal) => {
        concat!(
            $n, ".nspname NOT IN ('pg_catalog', 'information_schema') AND ", $n,
            ".nspname NOT LIKE 'pg\\_%' AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_namespace'::regclass AND e.objid = ",
            $n, ".oid AND e.deptype = 'e')"
        )
    };
}

/// `$c` (a `pg_class` alias) is not owned by an extension.
macro_rules! not_extension {
    ($c:literal, $catalog:literal) => {
        concat!(
            "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '",
            $catalog,
            "'::regclass AND e.objid = ",
            $c,
            ".oid AND e.deptype = 'e')"
        )
    };
}

/// The tables read: ordinary and partitioned, in user namespaces.
macro_rules! user_tables {
    () => {
        concat!(
            "c.relkind IN ('r', 'p') AND ",
            user_namespace!("n"),
            " AND ",
            not_extension!("c", "pg_class")
        )
    };
}

pub(super) const NAMESPACES: &str = concat!(
    "SELECT n.nspname::text FROM pg_namespace n WHERE ",
    user_namespace!("n")
);

pub(super) const TABLES: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, ds.description \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0 WHERE ",
    user_tables!()
);

/// Per column: the owned sequence (serial) and the comment are joined once over all tables,
/// not looked up column by column.
pub(super) const COLUMNS: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
     a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text, \
     CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END, \
     ds.description, owned.refobjid IS NOT NULL \
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_type t ON t.oid = a.atttypid \
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
     LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation \
     LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum \
     LEFT JOIN (SELECT DISTINCT s.refobjid, s.refobjsubid FROM pg_depend s JOIN pg_class sc ON sc.oid = s.objid AND sc.relkind = 'S' \
                WHERE s.classid = 'pg_class'::regclass AND s.refclassid = 'pg_class'::regclass AND s.deptype = 'a') owned \
       ON owned.refobjid = c.oid AND owned.refobjsubid = a.attnum \
     WHERE a.attnum > 0 AND NOT a.attisdropped AND ",
    user_tables!(),
    " ORDER BY 1, 2, a.attnum"
);

/// Primary keys, unique, foreign key and check constraints, columns in key order.
pub(super) const CONSTRAINTS: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, con.conname::text, con.contype::text, \
     ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) \
           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord), \
     rn.nspname::text, rc.relname::text, \
     ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) \
           JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord), \
     con.confupdtype::text, con.confdeltype::text, pg_get_expr(con.conbin, con.conrelid) \
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_class rc ON rc.oid = con.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace \
     WHERE con.contype IN ('p', 'u', 'f', 'c') AND ",
    user_tables!()
);

/// Indexes that do not implement a constraint; per key part its column (NULL for an
/// expression), its text and whether it is descending.
pub(super) const INDEXES: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, i.relname::text, ix.indisunique, am.amname::text, \
     pg_get_expr(ix.indpred, ix.indrelid), \
     ARRAY(SELECT a.attname::text FROM generate_series(1, ix.indnkeyatts) k \
           LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k - 1] AND ix.indkey[k - 1] <> 0 \
           ORDER BY k), \
     ARRAY(SELECT CASE WHEN ix.indkey[k - 1] = 0 THEN pg_get_indexdef(ix.indexrelid, k, true) END \
           FROM generate_series(1, ix.indnkeyatts) k ORDER BY k), \
     ARRAY(SELECT (ix.indoption[k - 1] & 1) = 1 FROM generate_series(1, ix.indnkeyatts) k ORDER BY k) \
     FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class c ON c.oid = ix.indrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = i.relam \
     WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = ix.indexrelid AND k.contype IN ('p', 'u', 'x')) AND ",
    user_tables!()
);

pub(super) const VIEWS: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, pg_get_viewdef(c.oid, true), c.relkind = 'm' \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('v', 'm') AND ",
    user_namespace!("n"),
    " AND ",
    not_extension!("c", "pg_class")
);

/// Sequences no column owns (serial and identity sequences belong to their column).
pub(super) const SEQUENCES: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, \
     s.seqmin, s.seqmax, s.seqcycle, s.seqcache \
     FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE NOT EXISTS (SELECT 1 FROM pg_depend o WHERE o.classid = 'pg_class'::regclass AND o.objid = c.oid \
                       AND o.refclassid = 'pg_class'::regclass AND o.deptype IN ('a', 'i')) AND ",
    user_namespace!("n"),
    " AND ",
    not_extension!("c", "pg_class")
);

pub(super) const ENUMS: &str = concat!(
    "SELECT n.nspname::text, t.typname::text, \
     ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND ",
    user_namespace!("n"),
    " AND ",
    not_extension!("t", "pg_type")
);

pub(super) const ROUTINES: &str = concat!(
    "SELECT n.nspname::text, p.proname::text, p.prokind::text, pg_get_function_identity_arguments(p.oid), \
     pg_get_functiondef(p.oid) \
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND ",
    user_namespace!("n"),
    " AND ",
    not_extension!("p", "pg_proc")
);

pub(super) const TRIGGERS: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, tg.tgname::text, pg_get_triggerdef(tg.oid, true) \
     FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE NOT tg.tgisinternal AND ",
    user_tables!()
);
