"""The SCORM manifest parser: every version and feature on synthetic manifests, every bad input,
and the real packages in ../shared/fixtures (read with zipfile directly)."""
from __future__ import annotations

import json
import re
import zipfile

import pytest

from plugins.scorm.manifest import (
    MAX_ITEM_DEPTH,
    MAX_ITEMS,
    Manifest,
    ManifestError,
    append_parameters,
    parse_manifest,
)
from tests.scorm.manifests import (
    NAMESPACES_12,
    NAMESPACES_2004,
    NAMESPACES_IMSCP,
    item,
    manifest,
    organization,
    organizations,
    resource,
    single_sco,
)

LOM = 'xmlns="http://ltsc.ieee.org/xsd/LOM"'


def line_of(data: bytes, needle: str) -> int:
    """1-based line of the first occurrence of `needle` in a synthetic manifest."""
    return data.decode("utf-8")[: data.decode("utf-8").index(needle)].count("\n") + 1


def error_of(data: bytes, **kwargs) -> ManifestError:
    with pytest.raises(ManifestError) as caught:
        parse_manifest(data, **kwargs)
    return caught.value


# --- versions ------------------------------------------------------------------------------


@pytest.mark.parametrize("version, scorm_version", [
    ("1.2", "1.2"),
    ("2004 2nd Edition", "2004"),
    ("2004 3rd Edition", "2004"),
    ("2004 4th Edition", "2004"),
])
def test_each_version_from_schemaversion(version, scorm_version):
    parsed = parse_manifest(single_sco(version))
    assert parsed.version == version
    assert parsed.scorm_version == scorm_version
    assert parsed.problems == []
    [only] = parsed.launchable_items()
    assert only.launch_href == "index.html"
    assert only.resource.scorm_type == "sco"


def test_schemaversion_is_kept_as_written():
    assert parse_manifest(single_sco("2004 2nd Edition")).schemaversion == "CAM 1.3"


@pytest.mark.parametrize("namespaces, extra, expected", [
    (NAMESPACES_12, "", "1.2"),
    (NAMESPACES_2004, "", "2004 3rd Edition"),
    (NAMESPACES_2004, '<adlcp:data><adlcp:map targetID="notes"/></adlcp:data>',
     "2004 4th Edition"),
])
def test_version_from_namespaces_when_schemaversion_missing(namespaces, extra, expected):
    data = manifest(namespaces=namespaces, schemaversion=None,
                    organizations=organizations(organization("org1", item("i1", "r1",
                                                                           extra=extra))),
                    resources=resource("r1"))
    parsed = parse_manifest(data)
    assert parsed.version == expected
    assert parsed.schemaversion == ""
    assert any("thiếu <schemaversion>" in p for p in parsed.problems)


def test_odd_schemaversion_falls_back_to_namespaces():
    data = manifest(schemaversion="SCORM 2004",
                    organizations=organizations(organization("org1", item("i1", "r1"))),
                    resources=resource("r1"))
    parsed = parse_manifest(data)
    assert parsed.version == "2004 3rd Edition"
    line = line_of(data, "<schemaversion>")
    assert any("không nhận ra schemaversion" in p and f"dòng {line}:" in p
               for p in parsed.problems)


def test_schemaversion_contradicting_namespaces_is_noted():
    data = manifest(namespaces=NAMESPACES_2004, schemaversion="1.2",
                    organizations=organizations(organization("org1", item("i1", "r1"))),
                    resources=resource("r1"))
    parsed = parse_manifest(data)
    assert parsed.version == "1.2"
    assert any("phiên bản SCORM khác" in p for p in parsed.problems)


def test_unknown_version_is_an_error_naming_the_line():
    data = manifest(namespaces=NAMESPACES_IMSCP, schemaversion="5.0",
                    organizations=organizations(organization("org1", item("i1", "r1"))),
                    resources=resource("r1", type_attribute="scormType"))
    error = error_of(data)
    assert error.line == line_of(data, "<schemaversion>")
    assert error.message.startswith(f"imsmanifest.xml, dòng {error.line}: ")
    assert "không nhận ra phiên bản SCORM \"5.0\"" in error.message


def test_no_version_at_all_is_an_error():
    data = manifest(namespaces=NAMESPACES_IMSCP, schemaversion=None,
                    organizations=organizations(organization("org1", item("i1", "r1"))),
                    resources=resource("r1", type_attribute="scormType"))
    assert "không xác định được phiên bản SCORM" in error_of(data).message


# --- organizations and items ---------------------------------------------------------------


def two_orgs(default: str | None) -> bytes:
    return manifest(
        organizations=organizations(
            organization("first", item("a1", "r1"), title="Thứ nhất"),
            organization("second", item("b1", "r1"), title="Thứ hai"),
            default=default),
        resources=resource("r1"))


def test_default_organization_from_attribute():
    parsed = parse_manifest(two_orgs("second"))
    assert parsed.default_organization.identifier == "second"
    assert [o.identifier for o in parsed.organizations] == ["first", "second"]
    assert [i.identifier for i in parsed.launchable_items()] == ["b1"]
    assert parsed.title == "Thứ hai"
    assert parsed.problems == []


@pytest.mark.parametrize("default, words", [
    (None, "thiếu thuộc tính default"),
    ("nowhere", "default=\"nowhere\" không trỏ tới"),
])
def test_missing_or_wrong_default_falls_back_to_first(default, words):
    parsed = parse_manifest(two_orgs(default))
    assert parsed.default_organization.identifier == "first"
    assert any(words in p for p in parsed.problems)


def test_nested_items_titles_visibility_and_order():
    data = manifest(
        organizations=organizations(organization(
            "org1",
            item("unit1", None,
                 item("lesson1", "r1", title="Bài 1"),
                 item("lesson2", "r2", title="Bài 2", attributes='isvisible="false"'),
                 title="Chương 1"),
            item("unit2", None, item("lesson3", "r1", title="Bài 3"), title="Chương 2"))),
        resources=resource("r1", "a.html") + resource("r2", "b.html", scorm_type="asset"))
    parsed = parse_manifest(data)
    org = parsed.default_organization
    assert [i.identifier for i in org.walk()] == ["unit1", "lesson1", "lesson2", "unit2",
                                                  "lesson3"]
    unit1 = org.items[0]
    assert unit1.title == "Chương 1" and not unit1.is_leaf and not unit1.is_launchable
    assert [c.title for c in unit1.children] == ["Bài 1", "Bài 2"]
    assert unit1.children[1].isvisible is False and unit1.children[0].isvisible is True
    launchable = parsed.launchable_items()
    assert [(i.identifier, i.launch_href) for i in launchable] == [
        ("lesson1", "a.html"), ("lesson2", "b.html"), ("lesson3", "a.html")]
    assert [i.resource.scorm_type for i in launchable] == ["sco", "asset", "sco"]


@pytest.mark.parametrize("href, parameters, expected", [
    ("a.html", "?x=1", "a.html?x=1"),
    ("a.html", "x=1", "a.html?x=1"),
    ("a.html", "&x=1", "a.html?x=1"),
    ("a.html?c=p", "?x=1", "a.html?c=p&x=1"),
    ("a.html?c=p", "&x=1", "a.html?c=p&x=1"),
    ("a.html?", "x=1", "a.html?x=1"),
    ("a.html", "#page2", "a.html#page2"),
    ("a.html#page1", "#page2", "a.html#page1"),
    ("a.html#page1", "?x=1", "a.html?x=1#page1"),
    ("a.html", "?x=1#top", "a.html?x=1#top"),
    ("a.html", "   ", "a.html"),
    ("a.html", "", "a.html"),
])
def test_parameters_follow_the_ims_rules(href, parameters, expected):
    assert append_parameters(href, parameters) == expected


def test_item_parameters_appended_to_resource_href_with_query():
    data = manifest(
        organizations=organizations(organization(
            "org1", item("i1", "r1", attributes='parameters="?questions=Playing"'))),
        resources=resource("r1", "shared/launchpage.html?content=playing"))
    [only] = parse_manifest(data).launchable_items()
    assert only.parameters == "?questions=Playing"
    assert only.resource.href == "shared/launchpage.html?content=playing"
    assert only.resource.launch_file == "shared/launchpage.html"
    assert only.launch_href == "shared/launchpage.html?content=playing&questions=Playing"


# --- resources -----------------------------------------------------------------------------


def test_xml_base_at_three_levels_resolved_in_order():
    data = manifest(
        attributes='xml:base="course/"',
        resources_attributes='xml:base="content"',
        organizations=organizations(organization("org1", item("i1", "r1"))),
        resources=resource("r1", "start.html?mode=a", attributes='xml:base="../unit1/"',
                           files=("start.html", "img/a%20b.png")))
    res = parse_manifest(data).resources["r1"]
    assert res.base == "course/unit1/"
    assert res.href == "course/unit1/start.html?mode=a"
    assert res.launch_file == "course/unit1/start.html"
    assert res.files == ["course/unit1/start.html", "course/unit1/img/a b.png"]


def test_external_href_stays_absolute():
    data = manifest(organizations=organizations(organization("org1", item("i1", "r1"))),
                    resources=resource("r1", "https://example.edu/lesson.html"))
    res = parse_manifest(data).resources["r1"]
    assert res.href == "https://example.edu/lesson.html"
    assert res.launch_file is None


def test_dependencies_resolved_transitively():
    data = manifest(
        organizations=organizations(organization("org1", item("i1", "r1"))),
        resources=(resource("r1", "a.html", files=("a.html",), dependencies=("common",))
                   + resource("common", None, scorm_type="asset", files=("shared/api.js",),
                              dependencies=("fonts",))
                   + resource("fonts", None, scorm_type="asset", files=("fonts/x.woff",))))
    res = parse_manifest(data).resources["r1"]
    assert res.dependencies == ["common"]
    assert res.all_files == ["a.html", "shared/api.js", "fonts/x.woff"]


def test_dependency_cycle_is_noted_and_does_not_hang():
    data = manifest(
        organizations=organizations(organization("org1", item("i1", "r1"))),
        resources=(resource("r1", "a.html", files=("a.html",), dependencies=("r2",))
                   + resource("r2", None, scorm_type="asset", files=("b.js",),
                              dependencies=("r1",))))
    parsed = parse_manifest(data)
    assert parsed.resources["r1"].all_files == ["a.html", "b.js"]
    assert parsed.resources["r2"].all_files == ["b.js", "a.html"]
    [note] = [p for p in parsed.problems if "thành vòng" in p]
    assert "r1 → r2 → r1" in note


def test_unknown_dependency_is_noted():
    data = manifest(organizations=organizations(organization("org1", item("i1", "r1"))),
                    resources=resource("r1", dependencies=("ghost",)))
    parsed = parse_manifest(data)
    assert any("\"ghost\" không có trong manifest" in p for p in parsed.problems)


@pytest.mark.parametrize("type_attribute, value, expected", [
    ("adlcp:scormtype", "sco", "sco"),
    ("adlcp:scormtype", "SCO", "sco"),
    ("adlcp:scormType", "Asset", "asset"),
    ("adlcp:scormType", "sco", "sco"),
])
def test_sco_or_asset_case_insensitive(type_attribute, value, expected):
    namespaces = NAMESPACES_12 if type_attribute == "adlcp:scormtype" else NAMESPACES_2004
    data = manifest(namespaces=namespaces,
                    schemaversion="1.2" if namespaces == NAMESPACES_12 else "2004 3rd Edition",
                    organizations=organizations(organization("org1", item("i1", "r1"))),
                    resources=resource("r1", scorm_type=value, type_attribute=type_attribute))
    assert parse_manifest(data).resources["r1"].scorm_type == expected


# --- SCORM 1.2 runtime data ----------------------------------------------------------------


def test_scorm12_item_runtime_data():
    extra = ("        <adlcp:masteryscore>80</adlcp:masteryscore>\n"
             "        <adlcp:datafromlms> mode=review </adlcp:datafromlms>\n"
             "        <adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed>\n"
             "        <adlcp:timelimitaction>exit,message</adlcp:timelimitaction>\n"
             "        <adlcp:prerequisites type=\"aicc_script\">item0</adlcp:prerequisites>\n")
    parsed = parse_manifest(single_sco("1.2", item_extra=extra))
    [only] = parsed.launchable_items()
    assert only.mastery_score == 80.0
    assert only.data_from_lms == " mode=review "
    assert only.max_time_allowed == "00:30:00"
    assert only.time_limit_action == "exit,message"
    assert only.prerequisites == "item0"
    assert only.sequencing == {} and only.objectives == [] and only.progress_weight is None


def test_bad_mastery_score_is_noted_not_fatal():
    extra = "        <adlcp:masteryscore>tám mươi</adlcp:masteryscore>\n"
    parsed = parse_manifest(single_sco("1.2", item_extra=extra))
    assert parsed.launchable_items()[0].mastery_score is None
    assert any("tám mươi" in p for p in parsed.problems)


# --- SCORM 2004 runtime and sequencing data ------------------------------------------------


def test_completion_threshold_as_text_in_3rd_edition():
    extra = "<adlcp:completionThreshold>0.75</adlcp:completionThreshold>\n"
    [only] = parse_manifest(single_sco(item_extra=extra)).launchable_items()
    assert only.completion_threshold == 0.75
    assert only.progress_weight == 1.0 and only.completed_by_measure is False


def test_completion_threshold_attributes_in_4th_edition():
    extra = ('<adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.6" '
             'progressWeight="0.4"/>\n')
    [only] = parse_manifest(single_sco("2004 4th Edition", item_extra=extra)).launchable_items()
    assert only.completed_by_measure is True
    assert only.min_progress_measure == 0.6
    assert only.completion_threshold == 0.6
    assert only.progress_weight == 0.4


def test_progress_weight_alone_sets_no_threshold():
    extra = '<adlcp:completionThreshold progressWeight="0.5"/>\n'
    [only] = parse_manifest(single_sco("2004 4th Edition", item_extra=extra)).launchable_items()
    assert only.completion_threshold is None
    assert only.progress_weight == 0.5


def test_shared_data_maps_with_defaults():
    extra = ('<adlcp:data>\n<adlcp:map targetID="notes"/>\n'
             '<adlcp:map targetID="scores" readSharedData="false" writeSharedData="true"/>\n'
             "</adlcp:data>\n")
    [only] = parse_manifest(single_sco("2004 4th Edition", item_extra=extra)).launchable_items()
    assert only.data_maps == [
        {"target_id": "notes", "read_shared_data": True, "write_shared_data": False},
        {"target_id": "scores", "read_shared_data": False, "write_shared_data": True},
    ]


def test_sequencing_defaults_when_absent():
    parsed = parse_manifest(single_sco())
    [only] = parsed.launchable_items()
    assert only.sequencing["control_mode"] == {
        "choice": True, "choice_exit": True, "flow": False, "forward_only": False,
        "use_current_attempt_objective_info": True, "use_current_attempt_progress_info": True,
    }
    assert only.sequencing["delivery_controls"] == {
        "tracked": True, "completion_set_by_content": False, "objective_set_by_content": False}
    assert only.sequencing["limit_conditions"] == {
        "attempt_limit": None, "attempt_absolute_duration_limit": None}
    assert only.sequencing["randomization_controls"] == {
        "randomization_timing": "never", "select_count": None, "reorder_children": False,
        "selection_timing": "never"}
    assert only.sequencing["sequencing_rules"] == {"pre": [], "exit": [], "post": []}
    assert only.sequencing["rollup_rules"]["rules"] == []
    assert parsed.default_organization.sequencing["objectives_global_to_system"] is True


FULL_SEQUENCING = """
<imsss:sequencing>
  <imsss:controlMode choice="false" choiceExit="false" flow="true" forwardOnly="true"
      useCurrentAttemptObjectiveInfo="false" useCurrentAttemptProgressInfo="false"/>
  <imsss:sequencingRules>
    <imsss:preConditionRule>
      <imsss:ruleConditions conditionCombination="any">
        <imsss:ruleCondition referencedObjective="prev" operator="not" condition="satisfied"/>
        <imsss:ruleCondition condition="objectiveMeasureGreaterThan" measureThreshold="0.5"/>
      </imsss:ruleConditions>
      <imsss:ruleAction action="disabled"/>
    </imsss:preConditionRule>
    <imsss:exitConditionRule>
      <imsss:ruleConditions><imsss:ruleCondition condition="completed"/></imsss:ruleConditions>
      <imsss:ruleAction action="exit"/>
    </imsss:exitConditionRule>
    <imsss:postConditionRule>
      <imsss:ruleConditions><imsss:ruleCondition condition="satisfied"/></imsss:ruleConditions>
      <imsss:ruleAction action="continue"/>
    </imsss:postConditionRule>
  </imsss:sequencingRules>
  <imsss:limitConditions attemptLimit="3" attemptAbsoluteDurationLimit="PT1H30M"/>
  <imsss:rollupRules rollupObjectiveSatisfied="false" objectiveMeasureWeight="0.5">
    <imsss:rollupRule childActivitySet="atLeastCount" minimumCount="2">
      <imsss:rollupConditions>
        <imsss:rollupCondition operator="not" condition="attempted"/>
      </imsss:rollupConditions>
      <imsss:rollupAction action="notSatisfied"/>
    </imsss:rollupRule>
  </imsss:rollupRules>
  <imsss:objectives>
    <imsss:primaryObjective objectiveID="main" satisfiedByMeasure="true">
      <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
      <imsss:mapInfo targetObjectiveID="global.main" writeSatisfiedStatus="true"/>
    </imsss:primaryObjective>
    <imsss:objective objectiveID="prev">
      <imsss:mapInfo targetObjectiveID="global.prev" readNormalizedMeasure="false"/>
    </imsss:objective>
  </imsss:objectives>
  <imsss:randomizationControls randomizationTiming="onEachNewAttempt" selectCount="2"
      reorderChildren="true"/>
  <imsss:deliveryControls tracked="false" completionSetByContent="true"
      objectiveSetByContent="true"/>
  <adlseq:objectives>
    <adlseq:objective objectiveID="main">
      <adlseq:mapInfo targetObjectiveID="global.main" writeCompletionStatus="true"/>
    </adlseq:objective>
  </adlseq:objectives>
</imsss:sequencing>
"""


def test_every_sequencing_element_is_read():
    parsed = parse_manifest(single_sco("2004 4th Edition", item_extra=FULL_SEQUENCING))
    [only] = parsed.launchable_items()
    sequencing = only.sequencing
    assert sequencing["control_mode"] == {
        "choice": False, "choice_exit": False, "flow": True, "forward_only": True,
        "use_current_attempt_objective_info": False,
        "use_current_attempt_progress_info": False,
    }
    [pre] = sequencing["sequencing_rules"]["pre"]
    assert pre["condition_combination"] == "any" and pre["action"] == "disabled"
    assert pre["conditions"] == [
        {"condition": "satisfied", "operator": "not", "referenced_objective": "prev",
         "measure_threshold": None},
        {"condition": "objectiveMeasureGreaterThan", "operator": "noOp",
         "referenced_objective": None, "measure_threshold": 0.5},
    ]
    assert sequencing["sequencing_rules"]["exit"][0]["action"] == "exit"
    assert sequencing["sequencing_rules"]["exit"][0]["condition_combination"] == "all"
    assert sequencing["sequencing_rules"]["post"][0]["action"] == "continue"
    assert sequencing["limit_conditions"] == {
        "attempt_limit": 3, "attempt_absolute_duration_limit": "PT1H30M"}
    assert only.max_time_allowed == "PT1H30M"
    rollup = sequencing["rollup_rules"]
    assert rollup["rollup_objective_satisfied"] is False
    assert rollup["rollup_progress_completion"] is True
    assert rollup["objective_measure_weight"] == 0.5
    assert rollup["rules"] == [{
        "child_activity_set": "atLeastCount", "minimum_count": 2, "minimum_percent": 0.0,
        "condition_combination": "any",
        "conditions": [{"condition": "attempted", "operator": "not"}],
        "action": "notSatisfied"}]
    main, prev = only.objectives
    assert main["primary"] is True and main["objective_id"] == "main"
    assert main["satisfied_by_measure"] is True and main["min_normalized_measure"] == 0.8
    assert main["map_info"] == [{
        "target_objective_id": "global.main", "read_satisfied_status": True,
        "read_normalized_measure": True, "write_satisfied_status": True,
        "write_normalized_measure": False}]
    [adl] = main["adl_map_info"]
    assert adl["write_completion_status"] is True and adl["read_raw_score"] is True
    assert adl["write_raw_score"] is False
    assert prev["primary"] is False and prev["min_normalized_measure"] == 1.0
    assert prev["map_info"][0]["read_normalized_measure"] is False
    assert sequencing["randomization_controls"] == {
        "randomization_timing": "onEachNewAttempt", "select_count": 2,
        "reorder_children": True, "selection_timing": "never"}
    assert sequencing["delivery_controls"] == {
        "tracked": False, "completion_set_by_content": True, "objective_set_by_content": True}
    json.dumps(parsed.to_json())


def test_organization_sequencing_and_collection_idref():
    collection = """
  <imsss:sequencingCollection>
    <imsss:sequencing ID="common">
      <imsss:controlMode choice="false" flow="true"/>
      <imsss:deliveryControls completionSetByContent="true"/>
    </imsss:sequencing>
  </imsss:sequencingCollection>
"""
    item_sequencing = ('<imsss:sequencing IDRef="common">\n'
                       '<imsss:controlMode flow="false"/>\n</imsss:sequencing>\n')
    org_sequencing = ('<imsss:sequencing>\n<imsss:controlMode choice="true" flow="true"/>\n'
                      "</imsss:sequencing>\n")
    parsed = parse_manifest(single_sco(item_extra=item_sequencing, org_extra=org_sequencing,
                                       after=collection))
    [only] = parsed.launchable_items()
    assert only.sequencing["id_ref"] == "common"
    # local controlMode replaces the collection's; deliveryControls come from the collection
    assert only.sequencing["control_mode"]["flow"] is False
    assert only.sequencing["control_mode"]["choice"] is True
    assert only.sequencing["delivery_controls"]["completion_set_by_content"] is True
    org = parsed.default_organization.sequencing
    assert org["control_mode"]["choice"] is True and org["control_mode"]["flow"] is True


def test_unknown_sequencing_idref_is_noted():
    item_sequencing = '<imsss:sequencing IDRef="nowhere"/>\n'
    parsed = parse_manifest(single_sco(item_extra=item_sequencing))
    assert any("IDRef=\"nowhere\"" in p for p in parsed.problems)


# --- metadata ------------------------------------------------------------------------------


def test_inline_lom_prefers_vietnamese():
    metadata = f"""<lom {LOM}><general>
  <title><string language="en">Fractions</string><string language="vi">Phân số</string></title>
  <description><string language="vi">Bài học về phân số.</string></description>
  <keyword><string language="vi">toán</string></keyword>
  <keyword><string language="vi">lớp 6</string></keyword>
</general></lom>
"""
    parsed = parse_manifest(single_sco(metadata=metadata))
    assert parsed.title == "Phân số"
    assert parsed.description == "Bài học về phân số."
    assert parsed.keywords == ["toán", "lớp 6"]


def test_inline_imsmd_12_langstrings():
    metadata = """<imsmd:lom xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1">
<imsmd:general>
  <imsmd:title><imsmd:langstring xml:lang="en">Plants</imsmd:langstring></imsmd:title>
  <imsmd:keyword><imsmd:langstring xml:lang="en">biology</imsmd:langstring>
    <imsmd:langstring xml:lang="vi">sinh học</imsmd:langstring></imsmd:keyword>
  <imsmd:keyword><imsmd:langstring>leaves</imsmd:langstring></imsmd:keyword>
</imsmd:general></imsmd:lom>
"""
    parsed = parse_manifest(single_sco("1.2", metadata=metadata))
    assert parsed.title == "Plants"
    assert parsed.keywords == ["sinh học", "leaves"]


def test_external_metadata_read_through_callback():
    external = f"""<?xml version="1.0"?>
<lom {LOM}><general>
  <title><string language="en-US">Golf</string></title>
  <description><string>About golf.</string></description>
  <keyword><string>golf</string></keyword>
</general></lom>""".encode()
    asked = []

    def read_file(path):
        asked.append(path)
        return external if path == "meta/course.xml" else None

    data = single_sco(metadata="<adlcp:location>meta/course.xml</adlcp:location>\n")
    parsed = parse_manifest(data, read_file=read_file)
    assert asked == ["meta/course.xml"]
    assert (parsed.title, parsed.description, parsed.keywords) == ("Golf", "About golf.",
                                                                   ["golf"])


def test_missing_external_metadata_is_noted_and_title_falls_back():
    data = single_sco(metadata="<adlcp:location>gone.xml</adlcp:location>\n")
    parsed = parse_manifest(data, read_file=lambda path: None)
    assert parsed.title == "Khoá học thử"
    assert any("gone.xml" in p for p in parsed.problems)


def test_broken_external_metadata_is_noted_with_its_name_and_line():
    data = single_sco(metadata="<adlcp:location>meta.xml</adlcp:location>\n")
    parsed = parse_manifest(data, read_file=lambda path: b"<lom>\n<general>\n</lom>")
    assert any(p.startswith("meta.xml, dòng 3:") for p in parsed.problems)


def test_external_metadata_with_xxe_is_refused_safely():
    evil = (b'<?xml version="1.0"?>\n<!DOCTYPE lom [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            b"<lom><general><title><string>&x;</string></title></general></lom>")
    data = single_sco(metadata="<adlcp:location>meta.xml</adlcp:location>\n")
    parsed = parse_manifest(data, read_file=lambda path: evil)
    assert parsed.title == "Khoá học thử"
    assert any("<!ENTITY>" in p for p in parsed.problems)
    assert "root:" not in json.dumps(parsed.to_json())


# --- serialisation -------------------------------------------------------------------------


def test_to_json_round_trips():
    parsed = parse_manifest(single_sco("2004 4th Edition", item_extra=FULL_SEQUENCING))
    stored = json.loads(json.dumps(parsed.to_json()))
    again = Manifest.from_json(stored)
    assert again.to_json() == parsed.to_json()
    assert again.launchable_items()[0].resource is again.resources["res1"]


# --- bad input -----------------------------------------------------------------------------


def test_malformed_xml_names_file_and_line():
    data = single_sco().replace(b"<title>B\xc3\xa0i 1</title>", b"<title>B\xc3\xa0i 1</titel>")
    error = error_of(data)
    assert error.line == line_of(data, "</titel>")
    assert error.file == "imsmanifest.xml"
    assert error.message.startswith(f"imsmanifest.xml, dòng {error.line}: ")
    assert "thẻ <title>" in error.message


def test_unescaped_ampersand_gets_a_clear_message():
    data = single_sco().replace(b"<title>B\xc3\xa0i 1</title>", b"<title>Tom & Jerry</title>")
    error = error_of(data, filename="goi/imsmanifest.xml")
    assert error.message.startswith(f"goi/imsmanifest.xml, dòng {line_of(data, 'Tom &')}: ")
    assert "&amp;amp;" in error.message


def test_html_entity_gets_a_clear_message():
    data = single_sco().replace(b"<title>B\xc3\xa0i 1</title>", b"<title>B&nbsp;1</title>")
    error = error_of(data)
    assert "&nbsp;" in error.message and error.line == line_of(data, "&nbsp;")


PASSWD_MARKERS = ("root:", "/bin/", "nologin")


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE manifest [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE manifest [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
    '<!DOCTYPE manifest [\n<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>',
])
def test_xxe_is_refused_and_never_leaks(doctype):
    data = single_sco().replace(b"<title>B\xc3\xa0i 1</title>", b"<title>&x;</title>")
    data = data.replace(b"?>\n", b"?>\n" + doctype.encode() + b"\n", 1)
    error = error_of(data)
    assert "<!ENTITY>" in error.message
    assert error.line == line_of(data, "<!ENTITY")
    for marker in PASSWD_MARKERS:
        assert marker not in str(error) and marker not in error.message


def test_external_dtd_is_never_loaded():
    data = single_sco().replace(
        b"?>\n", b'?>\n<!DOCTYPE manifest SYSTEM "file:///etc/passwd">\n', 1)
    parsed = parse_manifest(data)
    assert not any(marker in json.dumps(parsed.to_json()) for marker in PASSWD_MARKERS)


def test_billion_laughs_is_refused():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10))
    data = single_sco().replace(b"<title>B\xc3\xa0i 1</title>", b"<title>&lol9;</title>")
    data = data.replace(b"?>\n", f"?>\n<!DOCTYPE manifest [{entities}]>\n".encode(), 1)
    error = error_of(data)
    assert "billion laughs" in error.message and error.line == 2


def test_utf8_bom_and_utf16_with_bom_are_read():
    text = single_sco().decode("utf-8")
    assert parse_manifest(b"\xef\xbb\xbf" + text.encode("utf-8")).version == "2004 3rd Edition"
    utf16 = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert parse_manifest(utf16).launchable_items()[0].title == "Bài 1"


def test_utf16_without_bom():
    text = single_sco().decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    # libxml2 recognises "<?xml" in UTF-16 even without a BOM
    assert parse_manifest(text.encode("utf-16-le")).version == "2004 3rd Edition"
    # without the declaration it cannot, and the message says what to do
    body = "\n" + text.split("?>", 1)[1]
    error = error_of(body.encode("utf-16-le"))
    assert "UTF-16" in error.message and "BOM" in error.message


def test_undeclared_namespace_prefix():
    data = manifest(namespaces=NAMESPACES_IMSCP, schemaversion="1.2",
                    organizations=organizations(organization("org1", item("i1", "r1"))),
                    resources=resource("r1"))
    error = error_of(data)
    assert "xmlns:adlcp" in error.message and error.line == line_of(data, "<resource ")


def test_wrong_encoding_names_the_line():
    data = single_sco().replace(b"B\xc3\xa0i 1", b"B\xe0i 1")
    error = error_of(data)
    assert error.line == line_of(single_sco(), "Bài 1")
    assert "UTF-8" in error.message


@pytest.mark.parametrize("data, words", [
    (b"", "tệp rỗng"),
    (b"PK\x03\x04 not xml", "không phải là XML"),
    (b"<html><body/></html>", "thẻ gốc phải là <manifest>"),
])
def test_not_a_manifest(data, words):
    assert words in error_of(data).message


def test_size_limit():
    data = single_sco().replace(b"</manifest>", b"<!--" + b"x" * (10 * 2**20) + b"-->\n"
                                + b"</manifest>")
    error = error_of(data)
    assert "tệp quá lớn" in error.message and error.line is None
    assert error.message.startswith("imsmanifest.xml: ")


def test_item_nesting_depth_limit():
    nested = item("leaf", "res1")
    for depth in range(MAX_ITEM_DEPTH):
        nested = item(f"level{depth}", None, nested)
    data = manifest(organizations=organizations(organization("org1", nested)),
                    resources=resource("res1"))
    assert "lồng nhau quá sâu" in error_of(data).message


def test_item_count_limit():
    items = "".join(item(f"i{n}", "res1") for n in range(MAX_ITEMS + 1))
    data = manifest(organizations=organizations(organization("org1", items)),
                    resources=resource("res1"))
    error = error_of(data)
    assert "quá nhiều <item>" in error.message
    assert error.line == line_of(data, f'identifier="i{MAX_ITEMS}"')


def test_element_depth_limit():
    junk = "<x>" * 150 + "</x>" * 150
    assert "lồng nhau quá sâu" in error_of(single_sco(metadata=junk)).message


def test_missing_organizations():
    data = manifest(organizations="", resources=resource("r1"))
    error = error_of(data)
    assert "thiếu thẻ <organizations>" in error.message and error.line == 2


def test_empty_organizations():
    data = manifest(organizations=organizations(), resources=resource("r1"))
    error = error_of(data)
    assert "không có <organization>" in error.message
    assert error.line == line_of(data, "<organizations")


def test_missing_resources():
    data = single_sco().replace(b"  <resources >\n", b"").replace(b"  </resources>\n", b"")
    data = re.sub(rb"    <resource .*?</resource>\n", b"", data, flags=re.DOTALL)
    assert "thiếu thẻ <resources>" in error_of(data).message


def test_item_without_identifier():
    data = manifest(organizations=organizations(organization(
        "org1", item("i1", "r1"), '      <item identifierref="r1"><title>x</title></item>\n')),
        resources=resource("r1"))
    error = error_of(data)
    assert error.message == (f"imsmanifest.xml, dòng {line_of(data, '<item identifierref')}: "
                             "thẻ <item> thiếu thuộc tính identifier.")


def test_item_pointing_to_unknown_resource():
    data = manifest(organizations=organizations(organization("org1", item("i1", "ghost"))),
                    resources=resource("r1"))
    error = error_of(data)
    assert error.line == line_of(data, 'identifierref="ghost"')
    assert "\"ghost\"" in error.message and "không có <resource>" in error.message


def test_unknown_resource_in_other_organization_is_only_noted():
    data = manifest(organizations=organizations(
        organization("org1", item("i1", "r1")), organization("org2", item("i2", "ghost"))),
        resources=resource("r1"))
    parsed = parse_manifest(data)
    assert parsed.organizations[1].items[0].launch_href is None
    assert any("\"ghost\"" in p for p in parsed.problems)


def test_launchable_item_whose_resource_has_no_href():
    data = manifest(organizations=organizations(organization("org1", item("i1", "r1"))),
                    resources=resource("r1", None))
    error = error_of(data)
    assert "không có thuộc tính href" in error.message
    assert error.line == line_of(data, 'identifier="i1"')


def test_duplicate_identifiers():
    data = manifest(organizations=organizations(organization("org1", item("i1", "r1"),
                                                             item("i1", "r1"))),
                    resources=resource("r1"))
    assert "hai thẻ <item> cùng identifier \"i1\"" in error_of(data).message
    data = manifest(organizations=organizations(organization("org1", item("i1", "r1"))),
                    resources=resource("r1") + resource("r1"))
    assert "hai thẻ <resource> cùng identifier \"r1\"" in error_of(data).message


def test_default_organization_with_nothing_to_launch():
    data = manifest(organizations=organizations(organization("org1", item("i1", None))),
                    resources=resource("r1"))
    assert "không có mục nào mở được" in error_of(data).message


# --- the real packages ---------------------------------------------------------------------

#: From ../shared/fixtures/scorm/SOURCES.md: version, launchable / SCO / asset, first launch URL.
REAL_PACKAGES = {
    "golf_scorm12_cp_singlesco.zip": ("1.2", 1, 1, 0, "shared/launchpage.html"),
    "golf_scorm12_runtime_basiccalls.zip": ("1.2", 1, 1, 0, "shared/launchpage.html"),
    "golf_scorm12_cp_onefileperSCO.zip": ("1.2", 18, 0, 18, "Playing/Playing.html"),
    "golf_scorm2004ed2_cp_singlesco.zip": ("2004 2nd Edition", 1, 1, 0,
                                           "shared/launchpage.html"),
    "golf_scorm2004ed3_cp_metadata.zip": ("2004 3rd Edition", 1, 1, 0, "shared/launchpage.html"),
    "golf_scorm2004ed3_runtime_basiccalls.zip": ("2004 3rd Edition", 1, 1, 0,
                                                 "shared/launchpage.html"),
    "golf_scorm2004ed3_cp_onefileperSCO.zip": ("2004 3rd Edition", 18, 0, 18,
                                               "Playing/Playing.html"),
    "golf_scorm2004ed3_seq_forcedsequential.zip": ("2004 3rd Edition", 5, 5, 0,
                                                   "shared/launchpage.html?content=playing"),
    "golf_scorm2004ed4_seq_posttestrollup.zip": ("2004 4th Edition", 5, 5, 0,
                                                 "shared/launchpage.html?content=playing"),
    "storyline360_scorm2004_bleeding_course.zip": ("2004 2nd Edition", 1, 1, 0,
                                                   "index_lms.html"),
    "rise360_scorm12_bacon.zip": ("1.2", 1, 1, 0, "scormdriver/indexAPI.html"),
}


def parse_zip(path) -> Manifest:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())

        def read_file(name):
            return archive.read(name) if name in names else None

        return parse_manifest(archive.read("imsmanifest.xml"), read_file=read_file)


@pytest.mark.parametrize("name", sorted(REAL_PACKAGES))
def test_real_package(shared_fixtures, name):
    version, launchable, scos, assets, first_launch = REAL_PACKAGES[name]
    path = shared_fixtures / "scorm" / name
    parsed = parse_zip(path)
    items = parsed.launchable_items()
    assert parsed.version == version
    assert len(items) == launchable
    assert sum(i.resource.scorm_type == "sco" for i in items) == scos
    assert sum(i.resource.scorm_type == "asset" for i in items) == assets
    assert items[0].launch_href == first_launch
    assert parsed.title
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    for item_ in items:
        assert item_.resource.launch_file in names
        assert set(item_.resource.all_files) <= names
    json.dumps(parsed.to_json())


def test_every_real_package_is_in_the_table_or_parses(shared_fixtures):
    for path in sorted((shared_fixtures / "scorm").glob("*.zip")):
        if path.name not in REAL_PACKAGES:
            # a package added later: it must at least parse or fail with a located message
            try:
                assert parse_zip(path).launchable_items()
            except ManifestError as error:
                assert error.message.startswith("imsmanifest.xml")


def test_golf_onefileperSCO_parameters_appended(shared_fixtures):
    for name in ("golf_scorm12_cp_onefileperSCO.zip", "golf_scorm2004ed3_cp_onefileperSCO.zip"):
        parsed = parse_zip(shared_fixtures / "scorm" / name)
        quizzes = {i.identifier: i.launch_href for i in parsed.launchable_items()
                   if i.parameters}
        assert quizzes == {
            "playing_quiz_item": "shared/assessmenttemplate.html?questions=Playing",
            "etiquette_quiz_item": "shared/assessmenttemplate.html?questions=Etiquette",
            "handicapping_quiz_item": "shared/assessmenttemplate.html?questions=Handicapping",
            "havingfun_quiz_item": "shared/assessmenttemplate.html?questions=HavingFun",
        }
        assert [i.title for i in parsed.default_organization.items] == [
            "Playing the Game", "Etiquette", "Handicapping", "Having Fun"]


def test_golf_ed3_external_metadata(shared_fixtures):
    parsed = parse_zip(shared_fixtures / "scorm" / "golf_scorm2004ed3_cp_metadata.zip")
    assert parsed.title == "Golf Explained"
    assert parsed.description.startswith("A high level overview of the sport of golf.")
    assert parsed.keywords == ["golf", "golf etiquette", "golf handicap"]
    assert parsed.problems == []


def test_golf_forced_sequential_sequencing(shared_fixtures):
    parsed = parse_zip(shared_fixtures / "scorm" / "golf_scorm2004ed3_seq_forcedsequential.zip")
    org = parsed.default_organization
    assert org.sequencing["control_mode"]["choice"] is True
    assert org.sequencing["control_mode"]["flow"] is True
    assert org.sequencing["objectives_global_to_system"] is False
    etiquette = parsed.launchable_items()[1]
    assert etiquette.sequencing["id_ref"] == "common_seq_rules"
    # from the sequencingCollection
    assert etiquette.sequencing["rollup_rules"]["objective_measure_weight"] == 0.0
    assert etiquette.sequencing["delivery_controls"]["completion_set_by_content"] is True
    [rule] = etiquette.sequencing["sequencing_rules"]["pre"]
    assert rule["action"] == "disabled" and len(rule["conditions"]) == 2
    primary = etiquette.objectives[0]
    assert primary["objective_id"] == "etiquette_satisfied"
    assert primary["map_info"][0]["write_satisfied_status"] is True


def test_golf_4th_edition_features(shared_fixtures):
    parsed = parse_zip(shared_fixtures / "scorm" / "golf_scorm2004ed4_seq_posttestrollup.zip")
    items = parsed.launchable_items()
    assert [i.progress_weight for i in items] == [0.5, 0.3, 0.4, 0.3, 0.1]
    assert items[0].data_maps == [{
        "target_id": "com.scorm.golfsamples.sequencing.forcedsequential.notesStorage",
        "read_shared_data": True, "write_shared_data": True}]
    adl = items[0].objectives[0]["adl_map_info"][0]
    assert adl["read_completion_status"] is True and adl["write_completion_status"] is True
    quiz_rules = items[4].sequencing["rollup_rules"]
    assert quiz_rules["rollup_objective_satisfied"] is True
    assert items[4].sequencing["sequencing_rules"]["pre"][0]["action"] == "hiddenFromChoice"


def test_rise_launch_data(shared_fixtures):
    parsed = parse_zip(shared_fixtures / "scorm" / "rise360_scorm12_bacon.zip")
    assert parsed.launchable_items()[0].data_from_lms == \
        "eyJjcHYiOiJPUHZNMnRFNyIsInJsZCI6ZmFsc2V9"


#: The Xerte SCORM exports in ../shared/fixtures/xerte escape their manifests correctly, so they
#: parse (the unescaped-"&" case of other Xerte exports is covered by a synthetic test above).
XERTE_SCORM = {
    "xerte-scorm2004-latincch-harrius-potter.zip": ("Harrius Potter", "scorm2004RLO.htm"),
    "xerte-scorm2004-dagelijksgeld-sleepoefening.zip": ("sleepoefening test",
                                                        "scorm2004RLO.htm"),
}


def test_xerte_scorm_exports(shared_fixtures):
    with_manifest = {}
    for path in sorted((shared_fixtures / "xerte").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            if "imsmanifest.xml" in archive.namelist():
                with_manifest[path.name] = path
    assert set(XERTE_SCORM) <= set(with_manifest)
    for name, (title, launch) in XERTE_SCORM.items():
        parsed = parse_zip(with_manifest[name])
        assert parsed.version == "2004 3rd Edition"
        # the U+00A0 after "Harrius Potter" is whitespace and is trimmed from the title
        assert parsed.title == title
        [only] = parsed.launchable_items()
        assert only.launch_href == launch and only.resource.scorm_type == "sco"
        assert parsed.default_organization.sequencing["control_mode"] == {
            **parsed.default_organization.sequencing["control_mode"],
            "choice": False, "flow": True}
