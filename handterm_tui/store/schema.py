"""Schema migrations. ``PRAGMA user_version`` holds the version reached.

Append new steps; never edit a step that has shipped.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: records, notes, the upload outbox, key/value settings, full-text search.
    """
    CREATE TABLE records (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,            -- ISO 8601 UTC with ms, 'Z'
        kind TEXT NOT NULL DEFAULT 'command',
        line TEXT NOT NULL,                  -- secrets masked
        name TEXT NOT NULL,
        args TEXT NOT NULL DEFAULT '[]',
        switches TEXT NOT NULL DEFAULT '{}',
        response TEXT NOT NULL DEFAULT '',
        status INTEGER NOT NULL DEFAULT 200,
        keystrokes TEXT NOT NULL DEFAULT '[]',
        gross_wpm REAL,
        web_wpm REAL,
        extra TEXT NOT NULL DEFAULT '{}',
        remote_key TEXT UNIQUE,
        in_history INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX records_kind_id ON records(kind, id);
    CREATE INDEX records_created ON records(created_at);

    CREATE VIRTUAL TABLE records_fts USING fts5(
        line, response, content='records', content_rowid='id', tokenize='unicode61'
    );
    CREATE TRIGGER records_ai AFTER INSERT ON records BEGIN
        INSERT INTO records_fts(rowid, line, response) VALUES (new.id, new.line, new.response);
    END;
    CREATE TRIGGER records_ad AFTER DELETE ON records BEGIN
        INSERT INTO records_fts(records_fts, rowid, line, response)
        VALUES ('delete', old.id, old.line, old.response);
    END;
    CREATE TRIGGER records_au AFTER UPDATE OF line, response ON records BEGIN
        INSERT INTO records_fts(records_fts, rowid, line, response)
        VALUES ('delete', old.id, old.line, old.response);
        INSERT INTO records_fts(rowid, line, response) VALUES (new.id, new.line, new.response);
    END;

    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        created_ms INTEGER NOT NULL,
        text TEXT NOT NULL,
        remote_key TEXT UNIQUE,              -- wrt/<epoch ms>
        source TEXT NOT NULL DEFAULT 'local'
    );
    CREATE INDEX notes_created ON notes(created_ms);

    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,            -- the saveLog key, fixed at creation
        extension TEXT NOT NULL,
        record_id INTEGER REFERENCES records(id),
        note_id INTEGER REFERENCES notes(id),
        part TEXT NOT NULL DEFAULT 'record', -- record | keystrokes | note
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at REAL NOT NULL DEFAULT 0
    );

    CREATE TABLE kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: records fetched from the server that were not made here (the log browser merges
    # them with local records by time; local ids keep their own time order).
    """
    CREATE TABLE remote_records (
        id INTEGER PRIMARY KEY,
        remote_key TEXT NOT NULL UNIQUE,     -- command_<ISO UTC>
        created_at TEXT NOT NULL,            -- ISO 8601 UTC with ms, 'Z'
        kind TEXT NOT NULL DEFAULT 'command',
        line TEXT NOT NULL DEFAULT '',
        response TEXT NOT NULL DEFAULT '',
        status INTEGER NOT NULL DEFAULT 200,
        web_wpm REAL,
        body TEXT NOT NULL,                  -- the object as fetched
        fetched_at TEXT NOT NULL
    );
    CREATE INDEX remote_records_created ON remote_records(created_at, id);
    -- "is this record still waiting to upload?" for every row the browser shows
    CREATE INDEX outbox_record ON outbox(record_id);

    CREATE VIRTUAL TABLE remote_records_fts USING fts5(
        line, response, content='remote_records', content_rowid='id', tokenize='unicode61'
    );
    CREATE TRIGGER remote_records_ai AFTER INSERT ON remote_records BEGIN
        INSERT INTO remote_records_fts(rowid, line, response) VALUES (new.id, new.line, new.response);
    END;
    CREATE TRIGGER remote_records_ad AFTER DELETE ON remote_records BEGIN
        INSERT INTO remote_records_fts(remote_records_fts, rowid, line, response)
        VALUES ('delete', old.id, old.line, old.response);
    END;
    """,
    # 3: start-up finds the last `clear` (to restore the scrollback after it) by index.
    """
    CREATE INDEX records_name_id ON records(name, id);
    """,
    # 4: every item has an owner (core/owner.py): the profile it was made on and the account
    # signed in then (NULL: signed out). Items from before carry profile '?' (the default, so
    # no row is rewritten; new rows always name their profile): signed out on no known
    # profile, shown when nobody is signed in and offered to the next account holder.
    # Fetched server copies cannot be told apart by account, so they go (the server keeps
    # them and each account fetches its own again) and the table is keyed by account.
    """
    ALTER TABLE records ADD COLUMN profile TEXT NOT NULL DEFAULT '?';
    ALTER TABLE records ADD COLUMN account TEXT;
    CREATE INDEX records_account_id ON records(account, id);
    CREATE INDEX records_account_kind_id ON records(account, kind, id);

    ALTER TABLE notes ADD COLUMN profile TEXT NOT NULL DEFAULT '?';
    ALTER TABLE notes ADD COLUMN account TEXT;
    DELETE FROM notes WHERE source = 'remote';
    CREATE INDEX notes_account_created ON notes(account, created_ms);

    ALTER TABLE outbox ADD COLUMN profile TEXT NOT NULL DEFAULT '?';
    ALTER TABLE outbox ADD COLUMN account TEXT;
    CREATE INDEX outbox_account ON outbox(account, id);

    DROP TRIGGER remote_records_ai;
    DROP TRIGGER remote_records_ad;
    DROP TABLE remote_records_fts;
    DROP TABLE remote_records;
    CREATE TABLE remote_records (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,               -- the account that fetched it (its owner)
        remote_key TEXT NOT NULL,            -- command_<ISO UTC>
        created_at TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'command',
        line TEXT NOT NULL DEFAULT '',
        response TEXT NOT NULL DEFAULT '',
        status INTEGER NOT NULL DEFAULT 200,
        web_wpm REAL,
        body TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        UNIQUE (account, remote_key)
    );
    CREATE INDEX remote_records_created ON remote_records(account, created_at, id);
    CREATE VIRTUAL TABLE remote_records_fts USING fts5(
        line, response, content='remote_records', content_rowid='id', tokenize='unicode61'
    );
    CREATE TRIGGER remote_records_ai AFTER INSERT ON remote_records BEGIN
        INSERT INTO remote_records_fts(rowid, line, response) VALUES (new.id, new.line, new.response);
    END;
    CREATE TRIGGER remote_records_ad AFTER DELETE ON remote_records BEGIN
        INSERT INTO remote_records_fts(remote_records_fts, rowid, line, response)
        VALUES ('delete', old.id, old.line, old.response);
    END;
    """,
    # 5: keystroke timings in a compact blob (store/keycodec.py), ~3 bytes a key instead of
    # ~28 of JSON text; ``keystrokes`` stays '[]' for such rows. Older rows keep their JSON
    # (read as before; nothing is rewritten). records_kind_id goes: every query by kind
    # names the owner too, and records_account_kind_id serves those.
    """
    ALTER TABLE records ADD COLUMN keys BLOB;
    DROP INDEX records_kind_id;
    """,
    # 6: a `wrt` that writes a note is a record of its own kind, so the log browser can show
    # notes apart (few rows: only the writing ones are touched).
    """
    UPDATE records SET kind = 'note' WHERE name = 'wrt' AND kind = 'command' AND args != '[]';
    """,
]
