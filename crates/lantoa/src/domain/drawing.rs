//! A drawing on a video frame, kept with a time-coded comment: rectangles and
//! arrows a reviewer drew over the paused picture. Coordinates are fractions
//! 0..1 of the picture (not of the player on one screen), so a drawing made on
//! a phone lands on the same spot on a desk. Checked here, once, whether it
//! comes from the page's form (JSON text) or from the API (a JSON array).

use serde::{Deserialize, Serialize};

use super::Invalid;

/// The most shapes one comment's drawing holds.
pub const MAX_SHAPES: usize = 20;
/// The longest drawing text read: 20 shapes need well under 2 KiB.
const MAX_TEXT: usize = 8 * 1024;
/// Decimals kept of a coordinate (a ten-thousandth of the picture is finer
/// than any screen shows it).
const SCALE: f64 = 10_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShapeKind {
    Rect,
    /// From (x1, y1) to its head at (x2, y2).
    Arrow,
}

/// One shape, its two points as fractions of the picture (0 left or top, 1
/// right or bottom).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    pub k: ShapeKind,
    #[schema(minimum = 0, maximum = 1)]
    pub x1: f64,
    #[schema(minimum = 0, maximum = 1)]
    pub y1: f64,
    #[schema(minimum = 0, maximum = 1)]
    pub x2: f64,
    #[schema(minimum = 0, maximum = 1)]
    pub y2: f64,
}

/// A checked drawing: 1 to [`MAX_SHAPES`] shapes inside the picture, each
/// coordinate rounded to four decimals.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Drawing(Vec<Shape>);

impl Drawing {
    /// A drawing from a request: a list of shapes, or that list as JSON text
    /// (what a form posts). Null, an empty text or an empty list: none.
    pub fn parse(v: &serde_json::Value) -> Result<Option<Drawing>, Invalid> {
        use serde_json::Value;
        match v {
            Value::Null => Ok(None),
            Value::String(s) => Drawing::parse_text(s),
            Value::Array(items) => Drawing::of_items(items),
            _ => Err(malformed()),
        }
    }

    /// A drawing from JSON text; an empty text is none.
    pub fn parse_text(s: &str) -> Result<Option<Drawing>, Invalid> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        if s.len() > MAX_TEXT {
            return Err(malformed());
        }
        match serde_json::from_str::<serde_json::Value>(s) {
            Ok(serde_json::Value::Array(items)) => Drawing::of_items(&items),
            _ => Err(malformed()),
        }
    }

    fn of_items(items: &[serde_json::Value]) -> Result<Option<Drawing>, Invalid> {
        if items.is_empty() {
            return Ok(None);
        }
        if items.len() > MAX_SHAPES {
            return Err(Invalid::new("drawing", "drawing-too-many"));
        }
        let mut shapes = Vec::with_capacity(items.len());
        for item in items {
            let s = Shape::deserialize(item).map_err(|_| malformed())?;
            let coords = [s.x1, s.y1, s.x2, s.y2];
            if !coords.iter().all(|c| (0.0..=1.0).contains(c)) {
                return Err(Invalid::new("drawing", "drawing-out-of-frame"));
            }
            let [x1, y1, x2, y2] = coords.map(|c| (c * SCALE).round() / SCALE);
            shapes.push(Shape {
                k: s.k,
                x1,
                y1,
                x2,
                y2,
            });
        }
        Ok(Some(Drawing(shapes)))
    }

    /// A drawing as stored (checked when it was saved).
    pub fn from_stored(s: &str) -> Option<Drawing> {
        serde_json::from_str::<Vec<Shape>>(s)
            .ok()
            .filter(|v| !v.is_empty())
            .map(Drawing)
    }

    pub fn shapes(&self) -> &[Shape] {
        &self.0
    }

    /// Compact JSON, as stored and as the page reads it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }
}

fn malformed() -> Invalid {
    Invalid::new("drawing", "invalid-drawing")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_list_or_its_text_is_read_the_same_and_rounded() {
        let shapes = json!([
            {"k": "rect", "x1": 0.1, "y1": 0.2, "x2": 0.512345, "y2": 1},
            {"k": "arrow", "x1": 0, "y1": 0.99999, "x2": 0.3, "y2": 0.4}
        ]);
        let d = Drawing::parse(&shapes).unwrap().unwrap();
        assert_eq!(
            d.to_json(),
            r#"[{"k":"rect","x1":0.1,"y1":0.2,"x2":0.5123,"y2":1.0},{"k":"arrow","x1":0.0,"y1":1.0,"x2":0.3,"y2":0.4}]"#
        );
        let text = json!(shapes.to_string());
        assert_eq!(Drawing::parse(&text).unwrap(), Some(d.clone()));
        assert_eq!(Drawing::from_stored(&d.to_json()), Some(d));
    }

    #[test]
    fn nothing_drawn_is_no_drawing() {
        for v in [json!(null), json!(""), json!("  "), json!([]), json!("[]")] {
            assert_eq!(Drawing::parse(&v), Ok(None), "{v}");
        }
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let id = |v: serde_json::Value| Drawing::parse(&v).unwrap_err().message_id;
        let one = |k: &str, x2: serde_json::Value| json!([{"k": k, "x1": 0, "y1": 0, "x2": x2, "y2": 0.5}]);
        assert_eq!(id(json!("not json")), "invalid-drawing");
        assert_eq!(id(json!({"k": "rect"})), "invalid-drawing");
        assert_eq!(id(json!(5)), "invalid-drawing");
        assert_eq!(id(json!("\"[]\"")), "invalid-drawing");
        assert_eq!(id(one("circle", json!(0.5))), "invalid-drawing");
        assert_eq!(id(one("rect", json!("0.5"))), "invalid-drawing");
        assert_eq!(
            id(json!([{"k": "rect", "x1": 0, "y1": 0, "x2": 1}])),
            "invalid-drawing"
        );
        assert_eq!(
            id(json!([{"k": "rect", "x1": 0, "y1": 0, "x2": 1, "y2": 1, "colour": "red"}])),
            "invalid-drawing"
        );
        assert_eq!(id(one("rect", json!(1.01))), "drawing-out-of-frame");
        assert_eq!(id(one("arrow", json!(-0.1))), "drawing-out-of-frame");
        let many: Vec<_> = (0..=MAX_SHAPES)
            .map(|_| one("rect", json!(0.5))[0].clone())
            .collect();
        assert_eq!(id(json!(many)), "drawing-too-many");
        assert!(Drawing::parse(&json!(many[..MAX_SHAPES])).is_ok());
        assert_eq!(Drawing::parse(&json!(5)).unwrap_err().field, "drawing");
    }
}
