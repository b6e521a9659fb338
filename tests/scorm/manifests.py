"""Builders of synthetic imsmanifest.xml documents for the SCORM tests.

Each builder returns XML text; `manifest(...)` returns the bytes of a whole manifest. They keep
one element per line so that tests can predict line numbers.
"""
from __future__ import annotations

NAMESPACES_12 = (
    'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
    'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"'
)
NAMESPACES_2004 = (
    'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
    'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" '
    'xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" '
    'xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3" '
    'xmlns:imsss="http://www.imsglobal.org/xsd/imsss"'
)
#: Plain IMS Content Packaging, no SCORM extension namespaces.
NAMESPACES_IMSCP = 'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"'

SCHEMAVERSIONS = {
    "1.2": "1.2",
    "2004 2nd Edition": "CAM 1.3",
    "2004 3rd Edition": "2004 3rd Edition",
    "2004 4th Edition": "2004 4th Edition",
}


def namespaces_for(version: str) -> str:
    return NAMESPACES_12 if version == "1.2" else NAMESPACES_2004


def manifest(*, organizations: str, resources: str, namespaces: str = NAMESPACES_2004,
             schemaversion: str | None = "2004 3rd Edition", metadata: str = "",
             attributes: str = "", resources_attributes: str = "", after: str = "",
             prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> bytes:
    version_line = (f"    <schemaversion>{schemaversion}</schemaversion>\n"
                    if schemaversion is not None else "")
    text = (
        f"{prolog}"
        f'<manifest identifier="com.example.test" version="1" {namespaces} {attributes}>\n'
        "  <metadata>\n"
        "    <schema>ADL SCORM</schema>\n"
        f"{version_line}"
        f"{metadata}"
        "  </metadata>\n"
        f"{organizations}"
        f"  <resources {resources_attributes}>\n"
        f"{resources}"
        "  </resources>\n"
        f"{after}"
        "</manifest>\n"
    )
    return text.encode("utf-8")


def organizations(*orgs: str, default: str | None = "org1") -> str:
    default_attribute = f' default="{default}"' if default is not None else ""
    return f"  <organizations{default_attribute}>\n" + "".join(orgs) + "  </organizations>\n"


def organization(identifier: str = "org1", *items: str, title: str = "Khoá học thử",
                 extra: str = "", attributes: str = "") -> str:
    return (f'    <organization identifier="{identifier}" {attributes}>\n'
            f"      <title>{title}</title>\n" + "".join(items) + extra
            + "    </organization>\n")


def item(identifier: str, ref: str | None = None, *children: str, title: str | None = None,
         attributes: str = "", extra: str = "") -> str:
    ref_attribute = f' identifierref="{ref}"' if ref else ""
    return (f'      <item identifier="{identifier}"{ref_attribute} {attributes}>\n'
            f"        <title>{title or identifier}</title>\n" + extra + "".join(children)
            + "      </item>\n")


def resource(identifier: str, href: str | None = "index.html", *, scorm_type: str | None = "sco",
             files: tuple[str, ...] = (), dependencies: tuple[str, ...] = (),
             attributes: str = "", type_attribute: str = "adlcp:scormType") -> str:
    href_attribute = f' href="{href}"' if href is not None else ""
    type_part = f' {type_attribute}="{scorm_type}"' if scorm_type is not None else ""
    body = "".join(f'      <file href="{f}"/>\n' for f in files)
    body += "".join(f'      <dependency identifierref="{d}"/>\n' for d in dependencies)
    return (f'    <resource identifier="{identifier}" type="webcontent"{type_part}'
            f"{href_attribute} {attributes}>\n{body}    </resource>\n")


def single_sco(version: str = "2004 3rd Edition", *, item_extra: str = "",
               org_extra: str = "", after: str = "", metadata: str = "") -> bytes:
    """A one-SCO package of the given version (the smallest valid manifest)."""
    type_attribute = "adlcp:scormtype" if version == "1.2" else "adlcp:scormType"
    return manifest(
        namespaces=namespaces_for(version),
        schemaversion=SCHEMAVERSIONS[version],
        organizations=organizations(organization(
            "org1", item("item1", "res1", title="Bài 1", extra=item_extra), extra=org_extra)),
        resources=resource("res1", "index.html", files=("index.html",),
                           type_attribute=type_attribute),
        after=after,
        metadata=metadata,
    )
