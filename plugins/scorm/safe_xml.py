"""Parse untrusted XML from uploaded packages without letting it reach the network, the file
system or unbounded memory.

lxml is configured with no network, no DTD loading, no entity substitution and no huge trees.
A DOCTYPE that declares entities is refused before libxml2 sees it: a package manifest never
needs one, and that is exactly what XXE and "billion laughs" attacks are made of.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from lxml import etree

#: A real imsmanifest.xml is a few hundred KB at most; 10 MB leaves room for huge courses.
MAX_XML_BYTES = 10 * 2**20
#: Element nesting; real manifests stay under 30 levels.
MAX_ELEMENT_DEPTH = 100
#: Elements of any kind; a course with thousands of files stays well below this.
MAX_ELEMENTS = 200_000

_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


class XMLFileError(Exception):
    """An XML file that cannot be read safely. `reason` is plain Vietnamese without the prefix."""

    def __init__(self, reason: str, *, file: str, line: int | None = None):
        self.reason = reason
        self.file = file
        self.line = line
        self.message = located(file, line, reason)
        super().__init__(self.message)


def located(file: str, line: int | None, reason: str) -> str:
    """'imsmanifest.xml, dòng 12: ...' — the shape every parser message takes."""
    if line:
        return _("%(file)s, dòng %(line)s: %(reason)s", file=file, line=line, reason=reason)
    return _("%(file)s: %(reason)s", file=file, reason=reason)


class _RefuseExternalFiles(etree.Resolver):
    """Answer every request for an external file (DTD, entity) with nothing, so that no
    libxml2 code path can read a local file or a URL on behalf of an uploaded package."""

    def resolve(self, url, public_id, context):
        return self.resolve_string("", context)


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers keep an error log and are not thread-safe.
    # Do not pass collect_ids=False: with it, libxml2 reads the external DTD subset.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )
    parser.resolvers.add(_RefuseExternalFiles())
    return parser


def parse_xml(data: bytes, *, file: str, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Parse `data` into an element tree or raise XMLFileError naming `file` and the line."""
    if len(data) > max_bytes:
        raise XMLFileError(
            _("tệp quá lớn (%(size)s MB, tối đa %(limit)s MB).",
              size=round(len(data) / 2**20, 1), limit=round(max_bytes / 2**20, 1)),
            file=file,
        )
    if not data.strip():
        raise XMLFileError(_("tệp rỗng."), file=file)
    _refuse_entity_declarations(data, file)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise XMLFileError(_explain_syntax_error(error, data), file=file,
                           line=error.lineno or None) from None
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if dtd is not None and any(True for _entity in dtd.iterentities()):
        raise XMLFileError(_entity_reason(), file=file, line=1)
    _check_size_of_tree(root, file)
    return root


def _entity_reason() -> str:
    return _("tệp khai báo thực thể XML (<!ENTITY>) trong DOCTYPE. Gói SCORM không cần khai báo "
             "này và nó có thể dùng để tấn công máy chủ (XXE, \"billion laughs\"), nên tệp bị từ "
             "chối. Hãy xuất lại gói từ công cụ soạn bài.")


def _refuse_entity_declarations(data: bytes, file: str) -> None:
    """Refuse a DOCTYPE with entity declarations before the parser expands anything."""
    for encoding in _ENCODINGS:
        doctype = data.find("<!DOCTYPE".encode(encoding))
        if doctype < 0:
            continue
        entity = data.find("<!ENTITY".encode(encoding), doctype)
        if entity >= 0:
            newline = "\n".encode(encoding)
            raise XMLFileError(_entity_reason(), file=file, line=data.count(newline, 0, entity) + 1)


def _check_size_of_tree(root: etree._Element, file: str) -> None:
    count = depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        count += 1
        depth += 1
        if count > MAX_ELEMENTS:
            raise XMLFileError(_("tệp có quá nhiều thẻ XML (tối đa %(limit)s).",
                                 limit=MAX_ELEMENTS), file=file, line=element.sourceline)
        if depth > MAX_ELEMENT_DEPTH:
            raise XMLFileError(_("các thẻ XML lồng nhau quá sâu (tối đa %(limit)s cấp).",
                                 limit=MAX_ELEMENT_DEPTH), file=file, line=element.sourceline)


_UNDEFINED_ENTITY = re.compile(r"Entity '([^']+)' not defined")
_UNDECLARED_PREFIX = re.compile(r"Namespace prefix (\S+) (?:for \S+ )?on \S+ is not defined")
_TAG_MISMATCH = re.compile(r"Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)")


def _looks_like_utf16_without_bom(data: bytes) -> bool:
    head = data[:200]
    return not head.startswith((b"\xff\xfe", b"\xfe\xff")) and head.count(b"\x00") * 3 > len(head)


def _explain_syntax_error(error: etree.XMLSyntaxError, data: bytes) -> str:
    """Turn libxml2's English into a sentence a teacher can act on (the original stays in
    parentheses for whoever fixes the package)."""
    message = (error.msg or "").split(", line ")[0].strip()
    undefined = _UNDEFINED_ENTITY.search(message)
    mismatch = _TAG_MISMATCH.search(message)
    prefix = _UNDECLARED_PREFIX.search(message)
    if "xmlParseEntityRef: no name" in message or "EntityRef: expecting ';'" in message:
        reason = _("có ký tự \"&\" chưa được viết thành \"&amp;amp;\" (lỗi thường gặp ở gói xuất "
                   "từ Xerte hay sửa tay). Hãy sửa ký tự đó trong imsmanifest.xml rồi nén lại gói.")
    elif undefined:
        reason = _("dùng thực thể \"&%(name)s;\" của HTML, XML không hiểu thực thể này. Hãy thay "
                   "bằng ký tự thật hoặc mã số (ví dụ &amp;#160; thay cho &amp;nbsp;).",
                   name=undefined.group(1))
    elif mismatch:
        reason = _("thẻ <%(open)s> mở ở dòng %(line)s nhưng lại đóng bằng </%(close)s>.",
                   open=mismatch.group(1), line=mismatch.group(2), close=mismatch.group(3))
    elif _looks_like_utf16_without_bom(data):
        reason = _("tệp được lưu bằng mã UTF-16 nhưng thiếu dấu BOM ở đầu nên không đọc được. "
                   "Hãy lưu lại tệp bằng mã UTF-8.")
    elif prefix:
        reason = _("tiền tố \"%(prefix)s:\" được dùng nhưng chưa khai báo (thiếu thuộc tính "
                   "xmlns:%(prefix)s=\"...\" ở thẻ <manifest>).", prefix=prefix.group(1))
    elif "not proper UTF-8" in message or "Invalid bytes in character encoding" in message:
        reason = _("tệp có ký tự không đúng bảng mã đã khai báo (thường là tệp lưu bằng mã "
                   "Windows-1252 hay TCVN3 nhưng khai báo UTF-8). Hãy lưu lại tệp bằng mã UTF-8.")
    elif "Document is empty" in message or "Start tag expected" in message:
        reason = _("nội dung không phải là XML.")
    elif "Premature end of data" in message or "EndTag: '</' not found" in message:
        reason = _("tệp bị cắt cụt: còn thẻ chưa được đóng ở cuối tệp.")
    elif "Extra content at the end of the document" in message:
        reason = _("có nội dung thừa sau thẻ gốc đã đóng.")
    elif "Excessive depth" in message or "huge" in message.lower():
        reason = _("tệp vượt giới hạn an toàn của trình đọc XML (lồng nhau quá sâu hoặc quá lớn).")
    else:
        reason = _("XML không hợp lệ.")
    return _("%(reason)s (Chi tiết kỹ thuật: %(detail)s)", reason=reason, detail=message)
