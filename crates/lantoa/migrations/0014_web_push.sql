-- Web Push: the browsers (one row per device) that asked to be told of a
-- person's notifications, with the keys their messages are encrypted to.
CREATE TABLE push_subscriptions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    endpoint   TEXT   NOT NULL UNIQUE,
    p256dh     TEXT   NOT NULL,
    auth       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    -- The last message the push service refused (kept for the profile page).
    failed_at  BIGINT
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- When a notification was handed to its person's push services (claimed
-- before sending, as e-mail is).
ALTER TABLE notifications ADD COLUMN pushed_at BIGINT;
CREATE INDEX notifications_push ON notifications (pushed_at, created_at);
