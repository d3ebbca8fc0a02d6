-- Shapes a reviewer drew on the frame a comment is pinned to: a compact JSON
-- list of rectangles and arrows, {"k":"rect"|"arrow","x1":…,"y1":…,"x2":…,"y2":…},
-- each coordinate a fraction 0..1 of the video's picture so that it fits any
-- display size. Checked by `domain::Drawing` before it is stored. NULL: no
-- drawing.
ALTER TABLE clip_comments ADD COLUMN drawing TEXT;
