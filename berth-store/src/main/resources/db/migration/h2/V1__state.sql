-- Berth state store, H2 flavour.
-- doc_key holds the UTF-8 bytes of the key: H2 compares VARCHAR by UTF-16 code units, which
-- disagrees with code-point order for characters above U+FFFF; unsigned byte order of UTF-8 is
-- code-point order, the same order PostgreSQL gives a COLLATE "C" column in a UTF8 database.
CREATE TABLE documents (
    kind       VARCHAR(64)              NOT NULL,
    doc_key    VARBINARY(4096)          NOT NULL,
    version    BIGINT                   NOT NULL,
    json       VARCHAR(1048576)         NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT documents_pk PRIMARY KEY (kind, doc_key)
);

CREATE TABLE counters (
    name          VARCHAR(1024) NOT NULL,
    counter_value BIGINT        NOT NULL,
    CONSTRAINT counters_pk PRIMARY KEY (name)
);
