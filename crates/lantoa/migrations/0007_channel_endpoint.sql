-- Which API each channel was connected through: the platform's own, or the
-- sandbox (the mock platforms of `lantoa demo`). A channel stays bound to it:
-- a sandbox channel's tokens mean nothing to the real platform, and a real
-- channel's tokens must never reach a sandbox.
ALTER TABLE channels ADD COLUMN endpoint TEXT NOT NULL DEFAULT 'platform'
    CHECK (endpoint IN ('platform', 'sandbox'));

-- Channels of demo data folders made before this column: the sandbox names
-- every account it offers "… — Sandbox", and the demo's illustration
-- channels have `demo-…` ids (they were never connected anywhere).
UPDATE channels SET endpoint = 'sandbox'
 WHERE name LIKE '% — Sandbox' OR external_id LIKE 'demo-%';
