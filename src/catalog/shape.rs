//! List replies shaped as they are serialized: `fields`, `sort` and `limit`
//! (contract §2) applied to the one array a list action returns, and its
//! items counted for `meta.returned`, all inside the one serialization of
//! the typed result. Which names a list accepts comes from its item type's
//! JSON Schema, so every list action gets the three for free.
//!
//! The serializers here understand only what a list result is made of: an
//! object (the result), holding an array (the list), of objects (the items).
//! Inside an item every value is written by serde_json itself.

use std::cmp::Ordering;

use serde::ser::{self, Impossible, Serialize};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{SkillError, SkillResult};

type Error = serde_json::Error;

/// What a list action's result schema says about its list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListSpec {
    /// The array's name in the result (`domains`, `records`, ...).
    pub array: String,
    /// The item fields, in the item type's order.
    pub fields: Vec<String>,
    /// The fields holding one scalar (string, number, boolean), which `sort` takes.
    pub sortable: Vec<String>,
}

/// `fields`, `limit` and `sort` as a list request carries them.
#[derive(Debug, Default, Deserialize)]
pub struct ListOptions {
    #[serde(default)]
    pub fields: Option<Vec<String>>,
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub sort: Option<String>,
}

/// The checked options of one request, ready for `serialize`.
#[derive(Debug, Default)]
pub struct Shape {
    array: String,
    fields: Option<Vec<String>>,
    /// The field, and whether descending.
    sort: Option<(String, bool)>,
    limit: Option<usize>,
    /// Every item field, for advice.
    names: Vec<String>,
}

impl Shape {
    /// A smaller request for the same list, and the names to pick from.
    pub fn example(&self, action: &str) -> String {
        let first = self
            .names
            .first()
            .map(|f| format!(",\"fields\":[\"{f}\"]"))
            .unwrap_or_default();
        format!(
            "{{\"action\":\"{action}\"{first},\"limit\":50}} (fields: {})",
            self.names.join(", ")
        )
    }
}

/// A serialized result and what `meta` says about its list.
pub struct Shaped {
    pub json: String,
    /// Items in the reply, when the list was found.
    pub returned: Option<u64>,
    /// Whether `limit` left items out.
    pub truncated: bool,
}

impl ListSpec {
    /// The list in a result schema: its one array property (of objects, when
    /// there are several arrays), and the fields of that array's items.
    pub fn of(schema: &Value) -> Option<ListSpec> {
        let props = schema.get("properties")?.as_object()?;
        let arrays: Vec<(&String, &Value)> = props
            .iter()
            .filter(|(_, p)| has_type(resolve(schema, p), "array"))
            .collect();
        fn item_props<'a>(schema: &'a Value, p: &'a Value) -> Option<&'a Map<String, Value>> {
            let items = resolve(schema, p).get("items")?;
            resolve(schema, items).get("properties")?.as_object()
        }
        let (name, array) = match arrays.as_slice() {
            [one] => *one,
            several => {
                let mut of_objects = several
                    .iter()
                    .filter(|(_, p)| item_props(schema, p).is_some());
                match (of_objects.next(), of_objects.next()) {
                    (Some(one), None) => *one,
                    _ => return None,
                }
            }
        };
        let item = item_props(schema, array);
        Some(ListSpec {
            array: name.clone(),
            fields: item
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default(),
            sortable: item
                .map(|m| {
                    m.iter()
                        .filter(|(_, p)| is_scalar(schema, p, 0))
                        .map(|(k, _)| k.clone())
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// Checks a request's options against the list: unknown field names are
    /// refused, listing the valid ones, before any request is sent.
    pub fn shape(&self, options: ListOptions) -> SkillResult<Shape> {
        let fields = match options.fields {
            None => None,
            Some(f) if f.is_empty() => {
                return Err(SkillError::invalid_param(
                    "fields",
                    Some("[]"),
                    &format!("one or more of: {}", self.fields.join(", ")),
                )
                .with_detail("valid", self.valid(&self.fields)))
            }
            Some(f) => {
                let unknown: Vec<&String> = f.iter().filter(|n| !self.fields.contains(n)).collect();
                if let Some(first) = unknown.first() {
                    let expected = if self.fields.is_empty() {
                        format!(
                            "no `fields`: the items of `{}` are plain values",
                            self.array
                        )
                    } else {
                        format!(
                            "field names of the `{}` items: {}",
                            self.array,
                            self.fields.join(", ")
                        )
                    };
                    return Err(SkillError::invalid_param(
                        "fields",
                        Some(first.as_str()),
                        &expected,
                    )
                    .with_detail("valid", self.valid(&self.fields))
                    .with_detail(
                        "unknown",
                        unknown
                            .iter()
                            .map(|n| Value::from(n.as_str()))
                            .collect::<Vec<_>>(),
                    ));
                }
                Some(f)
            }
        };
        let sort = match options.sort {
            None => None,
            Some(s) => {
                let (name, desc) = match s.strip_prefix('-') {
                    Some(n) => (n, true),
                    None => (s.as_str(), false),
                };
                if !self.sortable.iter().any(|f| f == name) {
                    let valid = if self.sortable.is_empty() {
                        "none".to_string()
                    } else {
                        self.sortable.join(", ")
                    };
                    let mut expected = format!(
                        "a field of the `{}` items to sort by, `-` first for descending: {valid}",
                        self.array
                    );
                    if self.fields.iter().any(|f| f == name) {
                        expected
                            .push_str(&format!(" (`{name}` holds a list, which does not sort)"));
                    }
                    return Err(SkillError::invalid_param("sort", Some(&s), &expected)
                        .with_detail("valid", self.valid(&self.sortable)));
                }
                Some((name.to_string(), desc))
            }
        };
        if options.limit == Some(0) {
            return Err(SkillError::invalid_param(
                "limit",
                Some("0"),
                "a number of items from 1",
            ));
        }
        Ok(Shape {
            array: self.array.clone(),
            fields,
            sort,
            limit: options.limit.map(|n| n as usize),
            names: self.fields.clone(),
        })
    }

    fn valid(&self, names: &[String]) -> Value {
        Value::Array(names.iter().map(|n| Value::from(n.as_str())).collect())
    }

    /// Writes the valid names into a list action's params schema, so the
    /// request schema (and `describe`) lists them: `fields` items and `sort`
    /// become enums.
    pub fn describe(&self, params: &mut Map<String, Value>) {
        let Some(props) = params.get_mut("properties").and_then(Value::as_object_mut) else {
            return;
        };
        if let Some(Value::Object(fields)) = props.get_mut("fields") {
            if !self.fields.is_empty() {
                let mut items = Map::new();
                items.insert("type".into(), Value::from("string"));
                items.insert("enum".into(), self.valid(&self.fields));
                fields.insert("items".into(), Value::Object(items));
            }
        }
        if let Some(Value::Object(sort)) = props.get_mut("sort") {
            let mut both: Vec<Value> = Vec::new();
            for f in &self.sortable {
                both.push(Value::from(f.as_str()));
                both.push(Value::from(format!("-{f}")));
            }
            both.push(Value::Null);
            sort.insert("enum".into(), Value::Array(both));
        }
    }
}

impl ListSpec {
    /// Loosens a list action's result schema for `fields`: an item holds
    /// only the fields asked for, so none is required.
    pub fn relax(&self, result: &mut Map<String, Value>) {
        let Some(array) = result
            .get_mut("properties")
            .and_then(|p| p.get_mut(&self.array))
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        array.insert(
            "description".into(),
            Value::from("With `fields`, each item holds only the fields asked for."),
        );
        let reference = array
            .get("items")
            .and_then(|i| i.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .map(str::to_string);
        let item = match reference {
            Some(name) => result
                .get_mut("$defs")
                .and_then(|d| d.get_mut(&name))
                .and_then(Value::as_object_mut),
            None => result
                .get_mut("properties")
                .and_then(|p| p.get_mut(&self.array))
                .and_then(|a| a.get_mut("items"))
                .and_then(Value::as_object_mut),
        };
        if let Some(item) = item {
            item.remove("required");
        }
    }
}

/// `$ref` to `#/$defs/...` followed once.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/$defs/")
            .and_then(|name| root.get("$defs")?.get(name))
            .unwrap_or(schema),
        None => schema,
    }
}

fn has_type(schema: &Value, wanted: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == wanted,
        Some(Value::Array(ts)) => ts.iter().any(|t| t == wanted),
        _ => false,
    }
}

/// Whether a property holds one scalar (or null): what a sort can compare.
fn is_scalar(root: &Value, schema: &Value, depth: u8) -> bool {
    let schema = resolve(root, schema);
    let scalar = |t: &Value| {
        matches!(
            t.as_str(),
            Some("string" | "integer" | "number" | "boolean" | "null")
        )
    };
    if let Some(t) = schema.get("type") {
        return match t {
            Value::Array(ts) => ts.iter().all(scalar) && !ts.iter().all(|t| t == "null"),
            t => scalar(t) && t != "null",
        };
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        return values.iter().all(|v| !v.is_array() && !v.is_object());
    }
    if depth < 4 {
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(options)) = schema.get(key) {
                let non_null: Vec<&Value> = options
                    .iter()
                    .filter(|o| o.get("type").and_then(Value::as_str) != Some("null"))
                    .collect();
                return !non_null.is_empty()
                    && non_null.iter().all(|o| is_scalar(root, o, depth + 1));
            }
        }
    }
    false
}

/// Serializes a list action's result with its shape applied. Fails only
/// when the result is not an object holding the list as an array of
/// objects (or scalars), which the caller treats as a bug.
pub fn serialize<T: Serialize + ?Sized>(value: &T, shape: &Shape) -> Result<Shaped, Error> {
    let mut out = Vec::with_capacity(4096);
    let mut stats = Stats::default();
    value.serialize(Top {
        out: &mut out,
        shape,
        stats: &mut stats,
    })?;
    let json = String::from_utf8(out).map_err(|_| ser::Error::custom("not UTF-8"))?;
    Ok(Shaped {
        json,
        returned: stats.found.then_some(stats.written),
        truncated: stats.seen > stats.written,
    })
}

#[derive(Default)]
struct Stats {
    found: bool,
    seen: u64,
    written: u64,
}

fn write_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(&mut serde_json::Serializer::new(out))
}

fn not_a_list<T>(what: &str) -> Result<T, Error> {
    Err(ser::Error::custom(format!(
        "a list result must be an object holding an array of objects ({what} found)"
    )))
}

/// Implements the `Serializer` methods a shaper refuses.
macro_rules! refuse {
    ($what:literal; $($method:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(fn $method(self, $($arg: $ty),*) -> Result<$ret, Error> {
            $(let _ = $arg;)*
            not_a_list($what)
        })*
    };
}

/// The result: an object whose list field goes to `List`.
struct Top<'a> {
    out: &'a mut Vec<u8>,
    shape: &'a Shape,
    stats: &'a mut Stats,
}

impl<'a> ser::Serializer for Top<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeMap = TopFields<'a>;
    type SerializeStruct = TopFields<'a>;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<TopFields<'a>, Error> {
        self.out.push(b'{');
        Ok(TopFields {
            top: self,
            first: true,
            key: None,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<TopFields<'a>, Error> {
        self.serialize_struct("", 0)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    refuse! { "a plain value";
        serialize_bool(v: bool) -> ();
        serialize_i8(v: i8) -> ();
        serialize_i16(v: i16) -> ();
        serialize_i32(v: i32) -> ();
        serialize_i64(v: i64) -> ();
        serialize_u8(v: u8) -> ();
        serialize_u16(v: u16) -> ();
        serialize_u32(v: u32) -> ();
        serialize_u64(v: u64) -> ();
        serialize_f32(v: f32) -> ();
        serialize_f64(v: f64) -> ();
        serialize_char(v: char) -> ();
        serialize_str(v: &str) -> ();
        serialize_bytes(v: &[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(name: &'static str) -> ();
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str) -> ();
        serialize_seq(len: Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(len: usize) -> Self::SerializeTuple;
        serialize_tuple_struct(name: &'static str, len: usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeStructVariant;
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        not_a_list("an enum")
    }
}

struct TopFields<'a> {
    top: Top<'a>,
    first: bool,
    /// A map's key, between `serialize_key` and `serialize_value`.
    key: Option<String>,
}

impl TopFields<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        if !self.first {
            self.top.out.push(b',');
        }
        self.first = false;
        write_json(self.top.out, key)?;
        self.top.out.push(b':');
        if key == self.top.shape.array {
            self.top.stats.found = true;
            value.serialize(List {
                out: self.top.out,
                shape: self.top.shape,
                stats: self.top.stats,
            })
        } else {
            write_json(self.top.out, value)
        }
    }
}

impl ser::SerializeStruct for TopFields<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.top.out.push(b'}');
        Ok(())
    }
}

impl ser::SerializeMap for TopFields<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(map_key(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.key.take().unwrap_or_default();
        self.field(&key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.top.out.push(b'}');
        Ok(())
    }
}

/// A map key as text (serde_json's keys are strings).
fn map_key<T: Serialize + ?Sized>(key: &T) -> Result<String, Error> {
    match serde_json::to_value(key)? {
        Value::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}

/// The list: its items counted, sorted, cut and written.
struct List<'a> {
    out: &'a mut Vec<u8>,
    shape: &'a Shape,
    stats: &'a mut Stats,
}

impl<'a> ser::Serializer for List<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Items<'a>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_seq(self, len: Option<usize>) -> Result<Items<'a>, Error> {
        let sorting = self.shape.sort.is_some();
        if !sorting {
            self.out.push(b'[');
        }
        Ok(Items {
            list: self,
            sorted: if sorting {
                Vec::with_capacity(len.unwrap_or(0))
            } else {
                Vec::new()
            },
            rendered: Vec::new(),
        })
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.stats.found = false;
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    refuse! { "a list that is not an array";
        serialize_bool(v: bool) -> ();
        serialize_i8(v: i8) -> ();
        serialize_i16(v: i16) -> ();
        serialize_i32(v: i32) -> ();
        serialize_i64(v: i64) -> ();
        serialize_u8(v: u8) -> ();
        serialize_u16(v: u16) -> ();
        serialize_u32(v: u32) -> ();
        serialize_u64(v: u64) -> ();
        serialize_f32(v: f32) -> ();
        serialize_f64(v: f64) -> ();
        serialize_char(v: char) -> ();
        serialize_str(v: &str) -> ();
        serialize_bytes(v: &[u8]) -> ();
        serialize_unit() -> ();
        serialize_unit_struct(name: &'static str) -> ();
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str) -> ();
        serialize_tuple(len: usize) -> Self::SerializeTuple;
        serialize_tuple_struct(name: &'static str, len: usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeTupleVariant;
        serialize_map(len: Option<usize>) -> Self::SerializeMap;
        serialize_struct(name: &'static str, len: usize) -> Self::SerializeStruct;
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeStructVariant;
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        not_a_list("an enum")
    }
}

struct Items<'a> {
    list: List<'a>,
    /// With `sort`: each item's key and where it was rendered.
    sorted: Vec<(Key, usize, usize)>,
    rendered: Vec<u8>,
}

impl ser::SerializeSeq for Items<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let shape = self.list.shape;
        let stats = &mut *self.list.stats;
        stats.seen += 1;
        match &shape.sort {
            None => {
                if shape.limit.is_some_and(|n| stats.written as usize >= n) {
                    return Ok(());
                }
                if stats.written > 0 {
                    self.list.out.push(b',');
                }
                stats.written += 1;
                value.serialize(Item {
                    out: self.list.out,
                    fields: shape.fields.as_deref(),
                    sort: None,
                    key: &mut Key::Missing,
                })
            }
            Some((field, _)) => {
                let start = self.rendered.len();
                let mut key = Key::Missing;
                value.serialize(Item {
                    out: &mut self.rendered,
                    fields: shape.fields.as_deref(),
                    sort: Some(field),
                    key: &mut key,
                })?;
                self.sorted.push((key, start, self.rendered.len()));
                Ok(())
            }
        }
    }

    fn end(mut self) -> Result<(), Error> {
        let shape = self.list.shape;
        if let Some((_, desc)) = &shape.sort {
            let desc = *desc;
            // Stable: equal keys keep Gandi's order.
            self.sorted.sort_by(|a, b| a.0.order(&b.0, desc));
            let keep = shape.limit.unwrap_or(usize::MAX).min(self.sorted.len());
            let out = &mut *self.list.out;
            out.reserve(
                self.sorted[..keep]
                    .iter()
                    .map(|(_, s, e)| e - s + 1)
                    .sum::<usize>()
                    + 2,
            );
            out.push(b'[');
            for (i, (_, start, end)) in self.sorted[..keep].iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(&self.rendered[*start..*end]);
            }
            self.list.stats.written = keep as u64;
        }
        self.list.out.push(b']');
        Ok(())
    }
}

/// One item: only the asked-for fields written, the sort field's value kept.
struct Item<'a, 'k> {
    out: &'a mut Vec<u8>,
    fields: Option<&'a [String]>,
    sort: Option<&'a str>,
    key: &'k mut Key,
}

impl<'a, 'k> ser::Serializer for Item<'a, 'k> {
    type Ok = ();
    type Error = Error;
    type SerializeMap = ItemFields<'a, 'k>;
    type SerializeStruct = ItemFields<'a, 'k>;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<ItemFields<'a, 'k>, Error> {
        self.out.push(b'{');
        Ok(ItemFields {
            item: self,
            first: true,
            key: None,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<ItemFields<'a, 'k>, Error> {
        self.serialize_struct("", 0)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    // Plain items (a list of names) are written as they are.
    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        write_json(self.out, &v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        write_json(self.out, &v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        write_json(self.out, &v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        write_json(self.out, &v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        write_json(self.out, &v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        write_json(self.out, &v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        write_json(self.out, &v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        write_json(self.out, &v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        write_json(self.out, &v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        write_json(self.out, &v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        write_json(self.out, &v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_json(self.out, &v)
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_json(self.out, v)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        write_json(self.out, variant)
    }
    refuse! { "an item that is a list or an enum";
        serialize_bytes(v: &[u8]) -> ();
        serialize_unit_struct(name: &'static str) -> ();
        serialize_seq(len: Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(len: usize) -> Self::SerializeTuple;
        serialize_tuple_struct(name: &'static str, len: usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeStructVariant;
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        not_a_list("an item that is an enum")
    }
}

struct ItemFields<'a, 'k> {
    item: Item<'a, 'k>,
    first: bool,
    key: Option<String>,
}

impl ItemFields<'_, '_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        let item = &mut self.item;
        if item.sort == Some(key) {
            *item.key = value.serialize(KeyOf)?;
        }
        if item.fields.is_some_and(|f| !f.iter().any(|n| n == key)) {
            return Ok(());
        }
        if !self.first {
            item.out.push(b',');
        }
        self.first = false;
        write_json(item.out, key)?;
        item.out.push(b':');
        write_json(item.out, value)
    }
}

impl ser::SerializeStruct for ItemFields<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.item.out.push(b'}');
        Ok(())
    }
}

impl ser::SerializeMap for ItemFields<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(map_key(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.key.take().unwrap_or_default();
        self.field(&key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.item.out.push(b'}');
        Ok(())
    }
}

/// A sort key: what one scalar field holds.
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Bool(bool),
    Number(f64),
    /// An RFC 3339 date, as Unix seconds (dates sort by time, whatever
    /// their offset).
    Time(i64),
    /// Text, compared without regard to case.
    Text(String),
    /// Null or absent: last, in either direction.
    Missing,
}

impl Key {
    fn text(s: &str) -> Key {
        match crate::time::parse_rfc3339(s) {
            Some(t) => Key::Time(t),
            None => Key::Text(s.to_lowercase()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Key::Bool(_) => 0,
            Key::Number(_) => 1,
            Key::Time(_) => 2,
            Key::Text(_) => 3,
            Key::Missing => 4,
        }
    }

    fn order(&self, other: &Key, desc: bool) -> Ordering {
        let ordered = match (self, other) {
            (Key::Missing, Key::Missing) => return Ordering::Equal,
            (Key::Missing, _) => return Ordering::Greater,
            (_, Key::Missing) => return Ordering::Less,
            (Key::Bool(a), Key::Bool(b)) => a.cmp(b),
            (Key::Number(a), Key::Number(b)) => a.total_cmp(b),
            (Key::Time(a), Key::Time(b)) => a.cmp(b),
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
            (a, b) => a.rank().cmp(&b.rank()),
        };
        if desc {
            ordered.reverse()
        } else {
            ordered
        }
    }
}

/// Reads one scalar value as a `Key`; anything else is `Missing`.
struct KeyOf;

impl ser::Serializer for KeyOf {
    type Ok = Key;
    type Error = Error;
    type SerializeSeq = Impossible<Key, Error>;
    type SerializeTuple = Impossible<Key, Error>;
    type SerializeTupleStruct = Impossible<Key, Error>;
    type SerializeTupleVariant = Impossible<Key, Error>;
    type SerializeMap = Impossible<Key, Error>;
    type SerializeStruct = Impossible<Key, Error>;
    type SerializeStructVariant = Impossible<Key, Error>;

    fn serialize_bool(self, v: bool) -> Result<Key, Error> {
        Ok(Key::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Key, Error> {
        Ok(Key::Number(f64::from(v)))
    }
    fn serialize_i16(self, v: i16) -> Result<Key, Error> {
        Ok(Key::Number(f64::from(v)))
    }
    fn serialize_i32(self, v: i32) -> Result<Key, Error> {
        Ok(Key::Number(f64::from(v)))
    }
    fn serialize_i64(self, v: i64) -> Result<Key, Error> {
        Ok(Key::Number(v as f64))
    }
    fn serialize_u8(self, v: u8) -> Result<Key, Error> {
        Ok(Key::Number(f64::from(v)))
    }
    fn serialize_u16(self, v: u16) -> Result<Key, Error> {
        Ok(Key::Number(f64::from(v)))
    }
    fn serialize_u32(self, v: u32) -> Result<Key, Error> {
        Ok(Key::Number(f64::from(v)))
    }
    fn serialize_u64(self, v: u64) -> Result<Key, Error> {
        Ok(Key::Number(v as f64))
    }
    fn serialize_f32(self, v: f32) -> Result<Key, Error> {
        Ok(Key::Number(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<Key, Error> {
        Ok(Key::Number(v))
    }
    fn serialize_char(self, v: char) -> Result<Key, Error> {
        Ok(Key::text(&v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Key, Error> {
        Ok(Key::text(v))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Key, Error> {
        Ok(Key::Missing)
    }
    fn serialize_none(self) -> Result<Key, Error> {
        Ok(Key::Missing)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Key, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Key, Error> {
        Ok(Key::Missing)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Key, Error> {
        Ok(Key::Missing)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Key, Error> {
        Ok(Key::text(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Key, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Key, Error> {
        Ok(Key::Missing)
    }
    refuse! { "a sort field that is not one value";
        serialize_seq(len: Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(len: usize) -> Self::SerializeTuple;
        serialize_tuple_struct(name: &'static str, len: usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeTupleVariant;
        serialize_map(len: Option<usize>) -> Self::SerializeMap;
        serialize_struct(name: &'static str, len: usize) -> Self::SerializeStruct;
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeStructVariant;
    }
}
