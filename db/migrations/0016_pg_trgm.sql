-- Agent search by name substring (issue 23): trigram indexes. pg_trgm is a trusted extension
-- (PostgreSQL 13+), so the database owner may create it; PGlite loads it in db/client.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
