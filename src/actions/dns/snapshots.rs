//! LiveDNS snapshots: list (newest first), get (with the rrsets it holds),
//! create (an undo point), restore (the whole zone put back, previewed as a
//! diff) and delete (previewed with what it holds).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ureq::http::Method;

use super::write::{self, DnsChangeResult, DnsPreview, DnsWrite, Scope, ZONE_ROUTES};
use super::{live_zone, rrsets, snapshot_path};
use crate::actions::common::{check_id, ListParams};
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::client::{encode, Body};
use crate::dns::diff::Mode;
use crate::dns::{self, Rrset};
use crate::error::{SkillError, SkillResult};
use crate::gandi::livedns::Snapshot;
use crate::safety::plan::StateDigest;
use crate::safety::Class;

const DETAIL_ROUTE: Route = Route::get(
    "/v5/livedns/domains/{domain}/snapshots/{snapshot_id}",
    Permission::DnsRead,
);

crate::list_params! {
    pub struct SnapshotsListParams {
        /// The zone, Unicode or ASCII form.
        pub domain: String,
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// The snapshot id, as dns.snapshots.list or meta.snapshot_id gives it.
    pub snapshot_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotRestoreParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// The snapshot to put back.
    pub snapshot_id: String,
    /// `false` skips the snapshot of the current zone taken first.
    #[serde(default)]
    pub snapshot: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotCreateParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// A name for the snapshot (Gandi picks one when omitted).
    #[serde(default)]
    pub snapshot_name: Option<String>,
}

#[derive(Clone, Serialize, JsonSchema)]
pub struct SnapshotInfo {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Whether Gandi took it on its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automatic: Option<bool>,
}

impl SnapshotInfo {
    fn of(s: &Snapshot) -> SnapshotInfo {
        SnapshotInfo {
            id: s.id.clone(),
            name: s.name.clone(),
            created_at: s.created_at.clone(),
            automatic: s.automatic,
        }
    }
}

#[derive(Serialize, JsonSchema)]
pub struct SnapshotList {
    pub domain: String,
    pub snapshots: Vec<SnapshotInfo>,
}

#[derive(Serialize, JsonSchema)]
pub struct SnapshotDetail {
    pub domain: String,
    pub snapshot: SnapshotInfo,
    /// The zone as it was.
    pub records: Vec<Rrset>,
}

#[derive(Serialize, JsonSchema)]
pub struct SnapshotCreated {
    pub domain: String,
    pub snapshot_id: String,
    pub snapshot_name: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct SnapshotDeleted {
    pub domain: String,
    pub deleted: SnapshotInfo,
}

/// What deleting a snapshot would lose.
#[derive(Serialize, JsonSchema)]
pub struct SnapshotDeletePreview {
    pub domain: String,
    pub snapshot: SnapshotInfo,
    /// How many rrsets the snapshot holds.
    pub rrsets: usize,
}

/// What creating a snapshot would do.
#[derive(Serialize, JsonSchema)]
pub struct SnapshotCreatePreview {
    pub domain: String,
    pub snapshot_name: Option<String>,
}

fn snapshot_id(id: &str) -> SkillResult<()> {
    check_id(
        "snapshot_id",
        id,
        "a snapshot id as dns.snapshots.list shows it",
    )
}

fn read_snapshot(cx: &mut Reads, zone: &str, id: &str) -> SkillResult<(SnapshotInfo, Vec<Rrset>)> {
    let s: Snapshot = cx.get(&snapshot_path(zone, Some(id)), &[])?;
    let info = SnapshotInfo::of(&s);
    Ok((info, rrsets(s.zone_data)))
}

pub struct List;

impl Action for List {
    const NAME: &'static str = "dns.snapshots.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DnsRead;
    const ROUTES: &'static [Route] = &[Route::get(
        "/v5/livedns/domains/{domain}/snapshots",
        Permission::DnsRead,
    )];
    const SUMMARY: &'static str = "The zone's snapshots, newest first.";
    const EXAMPLE: &'static str = r#"{"action":"dns.snapshots.list","domain":"example.com"}"#;
    type Params = SnapshotsListParams;
    type Output = SnapshotList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: SnapshotsListParams) -> SkillResult<Step<Self>> {
        let zone = dns::zone_ascii(&p.domain, "domain")?;
        // Newest first: the restore point an agent wants is on the first page.
        let newest_first = [("sort_by", "-date_created".to_string())];
        let listing = cx.list_map(
            &snapshot_path(&zone, None),
            &newest_first,
            p.paging()?,
            |s: Snapshot| SnapshotInfo::of(&s),
        )?;
        cx.listed(listing.total_count, listing.pages_fetched);
        Ok(Step::Done(SnapshotList {
            domain: zone,
            snapshots: listing.items,
        }))
    }
}

pub struct Get;

impl Action for Get {
    const NAME: &'static str = "dns.snapshots.get";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DnsRead;
    const ROUTES: &'static [Route] = &[DETAIL_ROUTE];
    const SUMMARY: &'static str = "One snapshot with the rrsets it holds.";
    const EXAMPLE: &'static str = r#"{"action":"dns.snapshots.get","domain":"example.com","snapshot_id":"4a1f7c2e-3b5d-4e6f-8a9b-0c1d2e3f4a5b"}"#;
    type Params = SnapshotParams;
    type Output = SnapshotDetail;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: SnapshotParams) -> SkillResult<Step<Self>> {
        let zone = dns::zone_ascii(&p.domain, "domain")?;
        snapshot_id(&p.snapshot_id)?;
        let (snapshot, records) = read_snapshot(cx, &zone, &p.snapshot_id)?;
        Ok(Step::Done(SnapshotDetail {
            domain: zone,
            snapshot,
            records,
        }))
    }
}

/// What `apply` needs to take a snapshot.
pub struct CreatePending {
    zone: String,
    name: Option<String>,
}

pub struct Create;

impl Action for Create {
    const NAME: &'static str = "dns.snapshots.create";
    const CLASS: Class = Class::Write;
    const PERMISSION: Permission = Permission::DnsWrite;
    const ROUTES: &'static [Route] = &[
        Route::get("/v5/livedns/domains/{domain}", Permission::DnsRead),
        Route::write(
            "POST",
            "/v5/livedns/domains/{domain}/snapshots",
            Permission::DnsWrite,
        ),
    ];
    const SUMMARY: &'static str = "Takes a snapshot of the zone now.";
    const EXAMPLE: &'static str = r#"{"action":"dns.snapshots.create","domain":"example.com","snapshot_name":"before migration"}"#;
    type Params = SnapshotCreateParams;
    type Output = SnapshotCreated;
    type Preview = SnapshotCreatePreview;
    type Pending = CreatePending;

    fn plan(cx: &mut Reads, p: SnapshotCreateParams) -> SkillResult<Step<Self>> {
        let zone = dns::zone_ascii(&p.domain, "domain")?;
        if let Some(n) = &p.snapshot_name {
            if n.is_empty() || n.len() > 255 || n.chars().any(char::is_control) {
                return Err(SkillError::invalid_param(
                    "snapshot_name",
                    Some(n),
                    "1 to 255 printable characters",
                ));
            }
        }
        // The zone must exist: proves the credential and the name first.
        cx.get::<Value>(&format!("livedns/domains/{}", encode(&zone)), &[])?;
        let preview = SnapshotCreatePreview {
            domain: zone.clone(),
            snapshot_name: p.snapshot_name.clone(),
        };
        let state = StateDigest::of(&zone);
        let pending = CreatePending {
            zone: zone.clone(),
            name: p.snapshot_name,
        };
        Ok(Step::Change(
            Planned::new(
                format!("This takes a snapshot of {zone}."),
                preview,
                state,
                pending,
            )
            .touching(&zone),
        ))
    }

    fn apply(cx: &mut Writes, p: CreatePending) -> SkillResult<SnapshotCreated> {
        let id = write::create_snapshot(cx, &p.zone, p.name.as_deref())?;
        cx.set_snapshot_id(id.clone());
        Ok(SnapshotCreated {
            domain: p.zone,
            snapshot_id: id,
            snapshot_name: p.name,
        })
    }
}

pub struct Restore;

impl Action for Restore {
    const NAME: &'static str = "dns.snapshots.restore";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DnsWrite;
    // The snapshot read, then a whole-zone change.
    const ROUTES: &'static [Route] = &[
        DETAIL_ROUTE,
        ZONE_ROUTES[0],
        ZONE_ROUTES[1],
        ZONE_ROUTES[2],
        ZONE_ROUTES[3],
        ZONE_ROUTES[4],
    ];
    const SUMMARY: &'static str =
        "Puts a snapshot's records back (after snapshotting the current zone), previewing the diff.";
    const EXAMPLE: &'static str = r#"{"action":"dns.snapshots.restore","domain":"example.com","snapshot_id":"4a1f7c2e-3b5d-4e6f-8a9b-0c1d2e3f4a5b"}"#;
    type Params = SnapshotRestoreParams;
    type Output = DnsChangeResult;
    type Preview = DnsPreview;
    type Pending = DnsWrite;

    fn plan(cx: &mut Reads, p: SnapshotRestoreParams) -> SkillResult<Step<Self>> {
        let zone = dns::zone_ascii(&p.domain, "domain")?;
        snapshot_id(&p.snapshot_id)?;
        let (info, records) = read_snapshot(cx, &zone, &p.snapshot_id)?;
        let live = live_zone(cx, &zone)?;
        // A restore is not an undo of one change: it puts back the whole zone.
        cx.warn(format!(
            "this puts the whole zone back as it was when the snapshot was taken ({}): every change made since, by anyone, is undone too (the preview lists them)",
            info.created_at.as_deref().unwrap_or("date unknown")
        ));
        write::desired_change(
            cx,
            &zone,
            &live,
            records,
            Mode::Replace,
            p.snapshot,
            Scope::WholeZone,
        )
    }

    fn apply(cx: &mut Writes, w: DnsWrite) -> SkillResult<DnsChangeResult> {
        write::apply(cx, w)
    }
}

/// What `apply` needs to delete a snapshot.
pub struct DeletePending {
    zone: String,
    snapshot: SnapshotInfo,
}

pub struct Delete;

impl Action for Delete {
    const NAME: &'static str = "dns.snapshots.delete";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DnsWrite;
    const ROUTES: &'static [Route] = &[
        DETAIL_ROUTE,
        Route::write(
            "DELETE",
            "/v5/livedns/domains/{domain}/snapshots/{snapshot_id}",
            Permission::DnsWrite,
        ),
    ];
    const SUMMARY: &'static str = "Deletes a snapshot (after showing what it holds).";
    const EXAMPLE: &'static str = r#"{"action":"dns.snapshots.delete","domain":"example.com","snapshot_id":"4a1f7c2e-3b5d-4e6f-8a9b-0c1d2e3f4a5b"}"#;
    type Params = SnapshotParams;
    type Output = SnapshotDeleted;
    type Preview = SnapshotDeletePreview;
    type Pending = DeletePending;

    fn plan(cx: &mut Reads, p: SnapshotParams) -> SkillResult<Step<Self>> {
        let zone = dns::zone_ascii(&p.domain, "domain")?;
        snapshot_id(&p.snapshot_id)?;
        let (snapshot, records) = read_snapshot(cx, &zone, &p.snapshot_id)?;
        let preview = SnapshotDeletePreview {
            domain: zone.clone(),
            snapshot: snapshot.clone(),
            rrsets: records.len(),
        };
        let message = format!(
            "This deletes snapshot {} ({}) of {zone}; it can no longer be restored.",
            snapshot.id,
            snapshot.name.as_deref().unwrap_or("unnamed")
        );
        let state =
            StateDigest::of(&(&snapshot.id, &snapshot.name, &snapshot.created_at, &records));
        Ok(Step::Change(
            Planned::new(
                message,
                preview,
                state,
                DeletePending {
                    zone: zone.clone(),
                    snapshot,
                },
            )
            .touching(&zone),
        ))
    }

    fn apply(cx: &mut Writes, p: DeletePending) -> SkillResult<SnapshotDeleted> {
        cx.send(
            Method::DELETE,
            &snapshot_path(&p.zone, Some(&p.snapshot.id)),
            Body::None,
            &[],
        )?;
        Ok(SnapshotDeleted {
            domain: p.zone,
            deleted: p.snapshot,
        })
    }
}
