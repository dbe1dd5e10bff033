-- Berth state store, PostgreSQL flavour.
-- COLLATE "C" makes doc_key compare by bytes, which in a UTF8 database is code-point order
-- (the store refuses to open a database whose encoding is not UTF8), so the primary-key index
-- serves prefix scans and pagination as plain range scans.
CREATE TABLE documents (
    kind       varchar(64)     NOT NULL,
    doc_key    text COLLATE "C" NOT NULL,
    version    bigint          NOT NULL,
    json       text            NOT NULL,
    updated_at timestamptz     NOT NULL,
    CONSTRAINT documents_pk PRIMARY KEY (kind, doc_key)
);

CREATE TABLE counters (
    name          text   NOT NULL,
    counter_value bigint NOT NULL,
    CONSTRAINT counters_pk PRIMARY KEY (name)
);
