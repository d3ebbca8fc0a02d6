-- Resumable uploads that any web process can continue.
--
-- The running SHA-256 of the bytes received so far is kept with the offset
-- (hex of the hash's serialized state), so the process that takes the next
-- chunk carries on from it instead of reading the staged bytes again. With
-- object storage, each request's bytes are staged as an object of their own
-- (`staging/<upload>/<start>-<nonce>`), recorded here in the transaction that
-- moves the offset; the upload's original is assembled from them in order.
ALTER TABLE uploads ADD COLUMN sha_state TEXT;

CREATE TABLE upload_parts (
    upload_id    TEXT   NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    start_offset BIGINT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    object_key   TEXT   NOT NULL UNIQUE,
    PRIMARY KEY (upload_id, start_offset)
);
