"""A tiny SCORM 1.2 package, built in the test (no fixture files)."""
import zipfile

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="bai-hoc" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>{title}</title>
      <item identifier="i1" identifierref="r1"><title>{title}</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""


def scorm_zip(path, title="Bài giảng phân số"):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST.format(title=title))
        archive.writestr("index.html", f"<html><body><h1>{title}</h1></body></html>")
    return path
