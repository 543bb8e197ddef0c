//! The XML of a package: the root and representation METS (METS 1.12 with the E-ARK CSIP and
//! SIP extension attributes), PREMIS 3.0 preservation metadata and the Dublin Core record.
//! Written as text with every value escaped; validated in the tests with xmllint against the
//! schemas shipped in `schemas/`.

use std::fmt::Write as _;

/// Escapes text for an XML attribute or element (hoso-pdf's, shared with the XMP writer).
pub use hoso_pdf::xmp::xml_escape as esc;

/// One file listed in a METS fileSec.
#[derive(Clone, Debug)]
pub struct MetsFile {
    /// `ID` (an XML NCName).
    pub id: String,
    /// Path relative to the METS file, with `/`.
    pub href: String,
    /// IANA media type.
    pub mime: &'static str,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// When made, ISO 8601.
    pub created: String,
}

const NS: &str = r#"xmlns:mets="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:csip="https://DILCIS.eu/XML/METS/CSIPExtensionMETS" xmlns:sip="https://DILCIS.eu/XML/METS/SIPExtensionMETS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;

/// The content information type of hoso's packages (CSIP: `OTHER` plus a name).
pub const OTHER_TYPE: &str = "Hồ sơ số hóa theo Thông tư 05/2025/TT-BNV";

fn schema_location(prefix: &str) -> String {
    format!(
        "http://www.loc.gov/METS/ {prefix}schemas/mets.xsd http://www.w3.org/1999/xlink {prefix}schemas/xlink.xsd https://DILCIS.eu/XML/METS/CSIPExtensionMETS {prefix}schemas/DILCISExtensionMETS.xsd https://DILCIS.eu/XML/METS/SIPExtensionMETS {prefix}schemas/DILCISExtensionSIPMETS.xsd"
    )
}

/// The `mets:mets` start tag and `metsHdr` with the software CREATOR agent (CSIP1–CSIP22, SIP1–SIP15).
fn head(out: &mut String, objid: &str, label: &str, created: &str, schemas_prefix: &str) {
    let _ = write!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mets:mets {NS} xsi:schemaLocation="{loc}" OBJID="{objid}" LABEL="{label}" TYPE="Textual works – Digital" csip:CONTENTINFORMATIONTYPE="OTHER" csip:OTHERCONTENTINFORMATIONTYPE="{other}" PROFILE="https://earksip.dilcis.eu/profile/E-ARK-SIP.xml">
  <mets:metsHdr CREATEDATE="{created}" LASTMODDATE="{created}" RECORDSTATUS="NEW" csip:OAISPACKAGETYPE="SIP">
    <mets:agent ROLE="CREATOR" TYPE="OTHER" OTHERTYPE="SOFTWARE">
      <mets:name>hoso</mets:name>
      <mets:note csip:NOTETYPE="SOFTWARE VERSION">{version}</mets:note>
    </mets:agent>
  </mets:metsHdr>
"#,
        loc = schema_location(schemas_prefix),
        objid = esc(objid),
        label = esc(label),
        other = esc(OTHER_TYPE),
        version = env!("CARGO_PKG_VERSION"),
    );
}

fn file_elem(out: &mut String, f: &MetsFile) {
    let _ = write!(
        out,
        r#"      <mets:file ID="{id}" MIMETYPE="{mime}" SIZE="{size}" CREATED="{created}" CHECKSUM="{sum}" CHECKSUMTYPE="SHA-256">
        <mets:FLocat LOCTYPE="URL" xlink:type="simple" xlink:href="{href}"/>
      </mets:file>
"#,
        id = esc(&f.id),
        mime = f.mime,
        size = f.size,
        created = esc(&f.created),
        sum = f.sha256,
        href = esc(&f.href),
    );
}

fn file_grp(out: &mut String, id: &str, use_: &str, files: &[MetsFile]) {
    let _ = writeln!(
        out,
        r#"    <mets:fileGrp ID="{id}" USE="{use_}" csip:CONTENTINFORMATIONTYPE="OTHER" csip:OTHERCONTENTINFORMATIONTYPE="{other}">"#,
        other = esc(OTHER_TYPE)
    );
    for f in files {
        file_elem(out, f);
    }
    out.push_str("    </mets:fileGrp>\n");
}

fn md_ref(out: &mut String, tag: &str, id: &str, mdtype: &str, f: &MetsFile) {
    let _ = write!(
        out,
        r#"    <mets:{tag} ID="{id}" CREATED="{created}" STATUS="CURRENT">
      <mets:mdRef LOCTYPE="URL" xlink:type="simple" xlink:href="{href}" MDTYPE="{mdtype}" MIMETYPE="text/xml" SIZE="{size}" CREATED="{created}" CHECKSUM="{sum}" CHECKSUMTYPE="SHA-256"/>
    </mets:{tag}>
"#,
        created = esc(&f.created),
        href = esc(&f.href),
        size = f.size,
        sum = f.sha256,
    );
}

/// What the root METS lists.
pub struct RootMets<'a> {
    /// Package identifier (`OBJID`).
    pub objid: &'a str,
    /// Dossier title.
    pub label: &'a str,
    /// When made.
    pub created: &'a str,
    /// `metadata/descriptive/dc.xml`.
    pub dc: MetsFile,
    /// `metadata/preservation/premis.xml`.
    pub premis: MetsFile,
    /// `documentation/…`.
    pub documentation: Vec<MetsFile>,
    /// `schemas/…`.
    pub schemas: Vec<MetsFile>,
    /// `representations/rep1/METS.xml`.
    pub rep_mets: MetsFile,
}

/// The root `METS.xml` (CSIP §5.3, SIP §4).
pub fn root_mets(m: &RootMets<'_>) -> String {
    let mut out = String::new();
    head(&mut out, m.objid, m.label, m.created, "");
    out.push_str("  ");
    md_ref(&mut out, "dmdSec", "dmd-dc", "DC", &m.dc);
    out.push_str("  <mets:amdSec>\n  ");
    md_ref(
        &mut out,
        "digiprovMD",
        "digiprov-premis",
        "PREMIS",
        &m.premis,
    );
    out.push_str("  </mets:amdSec>\n  <mets:fileSec ID=\"filesec\">\n");
    file_grp(
        &mut out,
        "grp-documentation",
        "Documentation",
        &m.documentation,
    );
    file_grp(&mut out, "grp-schemas", "Schemas", &m.schemas);
    file_grp(
        &mut out,
        "grp-rep1",
        "Representations/rep1",
        std::slice::from_ref(&m.rep_mets),
    );
    let _ = write!(
        out,
        r#"  </mets:fileSec>
  <mets:structMap ID="structmap" TYPE="PHYSICAL" LABEL="CSIP">
    <mets:div ID="div-root" LABEL="{objid}">
      <mets:div ID="div-metadata" LABEL="Metadata" DMDID="dmd-dc" ADMID="digiprov-premis"/>
      <mets:div ID="div-documentation" LABEL="Documentation">
        <mets:fptr FILEID="grp-documentation"/>
      </mets:div>
      <mets:div ID="div-schemas" LABEL="Schemas">
        <mets:fptr FILEID="grp-schemas"/>
      </mets:div>
      <mets:div ID="div-representations" LABEL="Representations">
        <mets:fptr FILEID="grp-rep1"/>
        <mets:div ID="div-rep1" LABEL="Representations/rep1">
          <mets:mptr LOCTYPE="URL" xlink:type="simple" xlink:href="representations/rep1/METS.xml" xlink:title="grp-rep1"/>
        </mets:div>
      </mets:div>
    </mets:div>
  </mets:structMap>
</mets:mets>
"#,
        objid = esc(m.objid)
    );
    out
}

/// The representation's `METS.xml`: its data files (the PDF/A documents).
pub fn rep_mets(objid: &str, label: &str, created: &str, data: &[MetsFile]) -> String {
    let mut out = String::new();
    head(&mut out, &format!("{objid}/rep1"), label, created, "../../");
    out.push_str("  <mets:fileSec ID=\"rep-filesec\">\n");
    file_grp(&mut out, "rep-grp-data", "Data", data);
    out.push_str(
        r#"  </mets:fileSec>
  <mets:structMap ID="rep-structmap" TYPE="PHYSICAL" LABEL="CSIP">
    <mets:div ID="rep-div-root" LABEL="rep1">
      <mets:div ID="rep-div-data" LABEL="Data">
        <mets:fptr FILEID="rep-grp-data"/>
      </mets:div>
    </mets:div>
  </mets:structMap>
</mets:mets>
"#,
    );
    out
}

/// One PREMIS object (a data file) — PREMIS 3.0 §1.
pub struct PremisObject {
    /// Its path in the package.
    pub path: String,
    /// SHA-256 hex.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
}

/// One PREMIS event (digitization, signature, copy, reuse, result) — PREMIS 3.0 §2.
pub struct PremisEvent {
    /// `hoso-register:<origin>:<seq>`.
    pub id: String,
    /// `digitization`, `digital signature`, `copy`, `reuse`, …
    pub kind: String,
    /// ISO 8601.
    pub time: String,
    /// Human description (Vietnamese).
    pub detail: String,
    /// Agents: (identifier, role).
    pub agents: Vec<(String, String)>,
    /// The object's path.
    pub object: String,
}

/// One PREMIS agent — PREMIS 3.0 §3.
pub struct PremisAgent {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// `organization`, `person`, `software`.
    pub kind: &'static str,
}

fn premis_id(out: &mut String, tag: &str, kind: &str, value: &str, indent: &str) {
    let _ = writeln!(
        out,
        "{indent}<premis:{tag}Identifier><premis:{tag}IdentifierType>{}</premis:{tag}IdentifierType><premis:{tag}IdentifierValue>{}</premis:{tag}IdentifierValue></premis:{tag}Identifier>",
        esc(kind),
        esc(value)
    );
}

/// `metadata/preservation/premis.xml`.
pub fn premis(objects: &[PremisObject], events: &[PremisEvent], agents: &[PremisAgent]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<premis:premis xmlns:premis=\"http://www.loc.gov/premis/v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.loc.gov/premis/v3 ../../schemas/premis.xsd\" version=\"3.0\">\n",
    );
    for o in objects {
        out.push_str("  <premis:object xsi:type=\"premis:file\">\n");
        premis_id(&mut out, "object", "local", &o.path, "    ");
        let _ = write!(
            out,
            "    <premis:objectCharacteristics>\n      <premis:fixity><premis:messageDigestAlgorithm>SHA-256</premis:messageDigestAlgorithm><premis:messageDigest>{}</premis:messageDigest><premis:messageDigestOriginator>hoso</premis:messageDigestOriginator></premis:fixity>\n      <premis:size>{}</premis:size>\n      <premis:format><premis:formatDesignation><premis:formatName>PDF/A</premis:formatName></premis:formatDesignation></premis:format>\n    </premis:objectCharacteristics>\n  </premis:object>\n",
            o.sha256, o.size
        );
    }
    for e in events {
        out.push_str("  <premis:event>\n");
        premis_id(&mut out, "event", "hoso-register", &e.id, "    ");
        let _ = writeln!(out, "    <premis:eventType>{}</premis:eventType>\n    <premis:eventDateTime>{}</premis:eventDateTime>\n    <premis:eventDetailInformation><premis:eventDetail>{}</premis:eventDetail></premis:eventDetailInformation>", esc(&e.kind), esc(&e.time), esc(&e.detail));
        out.push_str("    <premis:eventOutcomeInformation><premis:eventOutcome>success</premis:eventOutcome></premis:eventOutcomeInformation>\n");
        for (id, role) in &e.agents {
            let _ = writeln!(out, "    <premis:linkingAgentIdentifier><premis:linkingAgentIdentifierType>local</premis:linkingAgentIdentifierType><premis:linkingAgentIdentifierValue>{}</premis:linkingAgentIdentifierValue><premis:linkingAgentRole>{}</premis:linkingAgentRole></premis:linkingAgentIdentifier>", esc(id), esc(role));
        }
        let _ = writeln!(out, "    <premis:linkingObjectIdentifier><premis:linkingObjectIdentifierType>local</premis:linkingObjectIdentifierType><premis:linkingObjectIdentifierValue>{}</premis:linkingObjectIdentifierValue></premis:linkingObjectIdentifier>\n  </premis:event>", esc(&e.object));
    }
    for a in agents {
        out.push_str("  <premis:agent>\n");
        premis_id(&mut out, "agent", "local", &a.id, "    ");
        let _ = writeln!(
            out,
            "    <premis:agentName>{}</premis:agentName>\n    <premis:agentType>{}</premis:agentType>\n  </premis:agent>",
            esc(&a.name),
            a.kind
        );
    }
    out.push_str("</premis:premis>\n");
    out
}

/// `metadata/descriptive/dc.xml`: one Dublin Core record, `(element, value)` in order.
pub fn dublin_core(fields: &[(&str, String)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<record xmlns=\"urn:hoso:dc-record:1\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:hoso:dc-record:1 ../../schemas/hoso-dc-record.xsd\">\n",
    );
    for (el, v) in fields {
        let _ = writeln!(out, "  <dc:{el} xml:lang=\"vi\">{}</dc:{el}>", esc(v));
    }
    out.push_str("</record>\n");
    out
}
