from pathlib import Path

import pytest
import snowballstemmer
from snowballstemmer.english_stemmer import EnglishStemmer

from bench.generate import debate_document, debates
from pipelines.citations import cited_by
from pipelines.tagging import Context, RulesError, item_text, load_rules, tag_text
from pipelines.tagging.index import IndexedText
from pipelines.tagging.matching import hits
from pipelines.tagging.words import read_words
from timeline_spiders.text import document_text

RULES = load_rules(Path(__file__).resolve().parents[2] / "data" / "campaigns.yml")


def campaigns(text: str, cites: list[str] | None = None, context: Context | None = None):
    return [tag.campaign for tag in tag_text(RULES, text, cites or [], context)]


def test_nationality_in_the_school_census_is_boycott_school_census():
    text = "From this autumn the school census will record each pupil's nationality."
    assert campaigns(text) == ["boycott-school-census"]


def test_citing_si_2016_808_confirms_the_tag_whatever_the_words():
    (tag,) = tag_text(RULES, "Motion to Regret", ["uksi/2016/808"])
    assert (tag.campaign, tag.status, tag.score) == ("boycott-school-census", "confirmed", 1.0)


def test_alternative_provision_census_reasons_for_placement_is_labels_last_a_lifetime():
    text = "The alternative provision census will collect reasons for placement."
    assert campaigns(text) == ["labels-last-a-lifetime"]


def test_pregnancy_recorded_as_a_reason_for_alternative_provision_is_labels_last_a_lifetime():
    text = "Councils record whether pupils in alternative provision were placed for pregnancy."
    assert campaigns(text) == ["labels-last-a-lifetime"]


def test_near_miss_alternative_provision_for_mental_health_without_data_is_not_tagged():
    text = "Alternative provision helps pupils with mental health needs return to school."
    assert campaigns(text) == []


def test_the_campaign_name_as_an_everyday_saying_is_only_a_hint_but_its_hashtag_confirms():
    (saying,) = tag_text(
        RULES, "Call a boy naughty at seven and it sticks: labels last a lifetime."
    )
    assert (saying.status, saying.score) == ("suggested", 0.45)
    (hashtag,) = tag_text(RULES, "Join us at #LabelsLastaLifetime.")
    assert (hashtag.campaign, hashtag.status) == ("labels-last-a-lifetime", "confirmed")


def test_an_item_can_belong_to_both_campaigns():
    text = "The school census asks for nationality; the AP census asks about pregnancy."
    assert campaigns(text) == ["boycott-school-census", "labels-last-a-lifetime"]


@pytest.mark.parametrize(
    "text",
    [
        "The 2021 census will ask every household about country of birth and nationality; "
        "schools will help families take part in census day.",
        "The census next March will ask which passports people hold; schoolchildren can "
        "explain to their parents why the form matters.",
        "The Welsh Government's Pupil Level Annual School Census records pupils' nationality.",
        "The ISC census records the nationality of pupils at member schools.",
        "In Scotland, the annual census of pupils records each pupil's nationality.",
    ],
)
def test_near_miss_other_censuses_are_not_the_school_census(text):
    assert campaigns(text) == []


def test_a_month_named_beside_the_school_census_does_not_make_it_the_population_census():
    """The census "next March" is the population census; a question dated March is not."""
    text = (
        "Question, March 2018: what the Department has done to tell parents they need not "
        "give their child's nationality and country of birth for the school census."
    )
    assert campaigns(text) == ["boycott-school-census"]


@pytest.mark.parametrize(
    "text",
    [
        "The Home Office works closely with the Department for Education to find school "
        "places for unaccompanied children.",
        "Referrals to Prevent from schools go to the police, and the Home Office publishes data.",
        "Independent schools with a Tier 4 licence must report to the Home Office when a "
        "student stops attending, and keep records.",
    ],
)
def test_near_miss_the_home_office_and_schools_without_pupil_data_going_to_it(text):
    assert campaigns(text) == []


def test_no_recourse_to_public_funds_is_a_visa_condition_not_a_denial():
    """A free school meals check with the Home Office is not pupil data going to it;
    the "no" in "no recourse to public funds" does not deny the campaign's exclusion."""
    text = (
        "Where a parent has no recourse to public funds, the council may confirm their status "
        "with the Home Office before a free school meals award. No information about pupils "
        "will be provided to the Home Office."
    )
    (tag,) = tag_text(RULES, text)
    assert tag.score < RULES.campaigns[0].show_suggested_from


def test_the_school_census_named_only_as_a_comparison_is_not_the_campaign():
    text = (
        "The memorandum lets Home Office officials obtain a patient's last known address "
        "for immigration tracing. We saw with the school census how quickly trust drains "
        "away once families believe an official form leads to immigration enforcement."
    )
    assert campaigns(text) == []
    assert campaigns(
        text.replace("We saw with the school census how", "The school census showed how")
    ) == ["boycott-school-census"]


def shown_from(slug: str) -> float:
    return next(c.show_suggested_from for c in RULES.campaigns if c.slug == slug)


def shown(text: str, context: Context | None = None) -> list[str]:
    """The campaigns whose public pages would show the text: confirmed, or suggested
    at or above the campaign's threshold (`campaigns` lists review-queue tags too)."""
    tags = tag_text(RULES, text, [], context)
    return [tag.campaign for tag in tags if tag.score >= shown_from(tag.campaign)]


def test_a_count_not_held_does_not_deny_the_records():
    """ "Does not hold a separate count" of learners denies a count, not their records;
    "does not hold this information" is a denial, and the match it sits beside counts
    half."""
    linked = "Records of 3.8 million graduates have been linked to HMRC earnings data. "
    learners = "for further education learners, whose records are included from 2002."
    (counted,) = tag_text(RULES, linked + "The Department does not hold a count " + learners, [])
    (denied,) = tag_text(RULES, linked + "The Department does not hold this " + learners, [])
    assert counted.score >= shown_from("student-data") > denied.score


def test_a_flag_attached_to_each_application_is_an_applicants_record_passed_on():
    text = (
        "The free school meals flag from the pupil database would be attached to each "
        "UCAS form before it reaches the university."
    )
    assert shown(text) == ["student-data"]


def test_the_returns_guide_coding_a_reason_for_each_placement_is_the_ap_census():
    """The census's guide for local authorities names the return, not the setting."""
    guide = (
        "Record one primary reason for each placement: where the girl is pregnant or a "
        "young mother, use the relevant code."
    )
    assert campaigns(guide) == ["labels-last-a-lifetime"]
    # A foster placement's reasons are children's social care.
    assert (
        campaigns(
            "Foster carers record the main reason for each placement, including a child's "
            "mental health needs."
        )
        == []
    )


def test_why_children_stopped_attending_a_unit_is_not_why_they_were_placed():
    text = (
        "Inspectors found the pupil referral unit did not know why some children had "
        "stopped attending."
    )
    assert campaigns(text) == []


def test_the_ap_census_in_a_statistics_releases_sources_is_not_the_campaign():
    text = (
        "Sources: school census; alternative provision census. Of the children placed by "
        "councils, most had mental health needs."
    )
    assert campaigns(text) == []
    assert campaigns(
        "The alternative provision census records that most of the children placed by "
        "councils had mental health needs."
    ) == ["labels-last-a-lifetime"]


def test_the_ap_census_named_only_as_a_comparison_is_not_the_campaign():
    text = (
        "The children in need census should collect each child's type of disability, in "
        "the same way as the alternative provision census now collects a reason for each "
        "placement."
    )
    assert campaigns(text) == []
    assert campaigns(text.replace(", in the same way as", ", and")) == ["labels-last-a-lifetime"]


def test_students_access_to_information_is_not_their_records_seen():
    """Students' access to courses, support or information is not access to their
    records: "access" alone is not a verb of sharing for student-data's backstop."""
    text = (
        "The Government say students will have access to better information about "
        "teaching quality. Information is no substitute for affordability."
    )
    assert campaigns(text) == []
    assert campaigns(text.replace("have access to", "have shared")) == ["student-data"]


@pytest.mark.parametrize(
    "text",
    [
        # Longitudinal outcomes described without the words "record" or "LEO".
        "The method matches adults who completed funded courses, one by one, to "
        "employment spells held by HM Revenue and Customs.",
        # A privacy notice addressed to the learner.
        "How your information is used: when you enrol on a course, your college sends "
        "it to the funding agency.",
        # The qualifications register, and the statistics body's returns, by description.
        "An age-checking firm searched a register holding the exam results of millions "
        "of former learners.",
        "The statistics agency sells extracts of the enrolment returns universities make.",
        "The funding paperwork a college sends is lined up, person by person, with what "
        "the Revenue knows about their wages.",
        "How we use your information when you go to college: your college sends it to us.",
        "Learner-level information held by the agency was provided to two universities "
        "this quarter.",
        "Providers publish the numbers of offers using applicant-level records supplied by "
        "the admissions service.",
        # What a learner gave at enrolment, joined with tax records (LEO, unnamed).
        "Young adults who signed an enrolment form at 16 were never asked whether their "
        "files could be joined up with their tax history.",
        # Applicants' particulars, and what they gave when applying.
        "Under the Higher Education and Research Bill, no applicant's particulars may be "
        "disclosed without the applicant's consent.",
        "Companies may send marketing to young people, targeted using the information they "
        "gave when applying.",
        # Regulations under Part 5 of the Digital Economy Act, by their title.
        "The regulations, made under the Digital Government (Disclosure of Information) "
        "provisions, let colleges pass the names and addresses of those who leave their "
        "courses early to councils.",
        # Longitudinal outcomes again: who attended or enrolled, what a college holds.
        "The dataset joins records of people who attended colleges and universities in "
        "England with earnings data from HMRC.",
        "Everything a college holds about those enrolled with it may be matched with tax "
        "and benefit records.",
        # A graduate's degree, and a candidate's results, seen by others.
        "Her former university confirmed a graduate's degree classification to a "
        "background screening company without asking her.",
        "A recruitment website copied the final classifications of thousands of graduates "
        "from an alumni directory.",
        "A spreadsheet with the candidate numbers and unit results of adult candidates was "
        "emailed in error to another centre.",
        # The learner record and the funding return, described.
        "The register of every adult's enrolments and results is kept for their lifetime.",
        "The returns colleges make about each person on their courses go to the Skills "
        "Funding Agency every month.",
        "Researchers may use records linking people's college and university histories with "
        "their later employment records.",
        "Researchers may link graduates' degrees to their later pay.",
        "The Department will match each adult's course history against benefit records held "
        "by the DWP.",
        "This clause lets us link the records of people who have been through education and "
        "training with their later earnings.",
        # The qualifications register under another name.
        "Employers may check the unit results held about each adult in the national "
        "achievement register.",
        "Each young person leaves a ledger of qualifications that any registered training "
        "organisation may query.",
    ],
)
def test_learners_records_in_other_words_are_student_data(text):
    assert campaigns(text) == ["student-data"]


@pytest.mark.parametrize(
    "text",
    [
        "Personal information about doctoral candidates is disclosed to the university's "
        "commercial partners.",
        "Three colleges supplied the email addresses of final-year undergraduates to a "
        "recruitment firm.",
        "Universities forward the attendance logs of international postgraduates to the "
        "Home Office.",
        "Officers were handed enrolment lists with the home addresses of 300 students.",
        "A mature student found her college had sent her name and disability details to an "
        "employer.",
        # A privacy notice, to the learner.
        "We share these details with your training provider and with HM Revenue and Customs.",
        "Every university student has their marks and course stored and linked to their tax "
        "affairs after they graduate.",
        # "Figures show" reports the news here; the records are what is sold.
        "The agency earns a million pounds a year selling data products built from student "
        "records, figures show.",
        "Students could see where others would live after the halls booking system showed "
        "room allocations next to full names.",
        # A parent speaks of her son's college.
        "Her son's college passed his tutor's notes to an agency recruiting apprentices.",
        "If a student asks to see everything the college holds on them, what do they get?",
        # Individual records described by their shape.
        "The file the researchers receive has one row per graduate, with their earnings "
        "year by year.",
        "Every applicant's personal statement is stored indefinitely on a database.",
        # How long records are kept, and their end.
        "Records of former students are shredded six years after they leave.",
        # Who the learner is, in other words: someone who left a course, applied to
        # study, is a doctoral researcher, or is enrolled by the college.
        "A man who left an electrician's course in 2019 received 40 pages when he asked "
        "what the college held about him.",
        "The college gave the phone numbers of everyone who had applied to study nursing "
        "to a private recruiter.",
        "A doctoral researcher has told the Information Commissioner that her supervisor's "
        "notes were in the file sent to her funder.",
        "Colleges give the particulars of the people they enrol to the funding agency.",
        # Given to someone; driving lessons among the marketing do not make it a
        # learner driver's record.
        "The dates of birth of 400 first-year students were given to an agency that then "
        "texted them about driving lessons.",
        # The learner's own voice, and an evening class.
        "I found out my college had sent my details on when a stranger emailed me.",
        "Her evening class from 1998 is in a file that was shared with an employer.",
        "Information held about students may be matched.",
        # A learner's number, and what it gathers, following them for life.
        "Sixth-formers were issued a learner number that will follow them through their "
        "working lives.",
        # First-years, apprentices' health disclosures, a disciplinary finding, leavers'
        # details sold.
        "The accommodation office gave a landlord the bank details of 212 first-years, and "
        "reported itself to the Information Commissioner.",
        "Training providers forwarded apprentices' disability declarations to employers.",
        "Universities should not send a graduate's disciplinary findings to employers.",
        "Colleges are selling leavers' contact details to marketing firms.",
        # The learner record and the learner's number in a petition's words.
        "Everyone who has done a funded course has an entry in a national learning log "
        "listing every grade.",
        "Colleges and training companies can look it up with the learner's unique number.",
        # A petition's words: a college course's file held by the Government, and an
        # undergrad's details that end up with an agency.
        "Anyone who has done a college course since 14 has a file held by the Government.",
        "Every undergrad's details, from home postcode to final mark, end up with a central "
        "agency.",
        # Exam candidates' details under awarding bodies' processing agreements; a
        # record asked of a university by an employer.
        "Colleges must sign processing agreements with awarding organisations covering "
        "candidates' registration details and marks.",
        "Do not ask a university for transcripts held on a student file unless the "
        "candidate agrees.",
        # "Sharing of information" is not "the share of" students (a proportion).
        "The sharing of information about students with researchers is set out in section 78.",
    ],
)
def test_a_short_item_on_students_details_passed_on_is_student_data(text):
    """Short items (a question, a brief, a notice) say it once, in their own words: who
    the learners are, what of theirs, and who else gets it."""
    assert shown(text) == ["student-data"]


@pytest.mark.parametrize(
    "text",
    [
        # "National" is not "nationality", though they share a stem.
        "National Student Survey results are published for every course so applicants can "
        "see them.",
        # Applicants for a job are not applicants for a course.
        "Unsuccessful applicants' files are kept for a year after the appointment is made "
        "and then destroyed.",
        # Nor is any disclosure: what is disclosed must go to someone.
        "Records of children enrolled at state schools were disclosed neither to "
        "Parliament nor to parents.",
        # A job advert for an analyst of the outcomes series.
        "We are looking for a statistician to produce the Longitudinal Education Outcomes "
        "series, with hybrid working.",
        # The learner record named as how providers claim their funding.
        "Each standard has a funding band; providers claim payments monthly through their "
        "Individualised Learner Record returns.",
        # The office is named for the records; its opening hours are not about them.
        "The student records office will be closed over Christmas; students can download "
        "letters from the portal.",
        # The first year of an arrangement is not first-years.
        "In the first year of the arrangement, details were given to the council.",
        # Named only to be set aside.
        "Information about applications to higher education is dealt with separately in "
        "Part 3 of the Higher Education and Research Bill and is not discussed here.",
    ],
)
def test_near_words_of_a_students_details_passed_on_are_not(text):
    assert campaigns(text) == []


def test_an_answer_that_learners_records_have_not_been_shared_denies_them():
    denied = "The Department has not shared any Individualised Learner Record data."
    assert shown(denied) == []
    assert shown(denied.replace("has not shared any", "has shared")) == ["student-data"]


def test_links_to_course_pages_are_not_records_linked():
    text = (
        "Prospective students can now compare courses side by side. The site brings "
        "together information on satisfaction and what graduates go on to do, with links "
        "to each course page."
    )
    assert shown(text) == []


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "What steps he is taking to protect the personal information of applicants held "
            "by the admissions service.",
            "Someone gave a tuition company what it should never have had.",
        ),
        (
            "When an apprentice leaves an employer part-way through, who holds their "
            "assessment records?",
            "Employers ask providers for learning support notes, and providers hand them over.",
        ),
    ],
)
def test_a_short_answer_on_learners_records_carries_its_question(question, answer):
    assert shown(answer, Context(question, "the question")) == ["student-data"]


@pytest.mark.parametrize(
    "text",
    [
        # The spring census by its month, and a child's birthplace in a parent's words.
        "The January return came round again, and parents asked what happens to the answers "
        "about where their children were born.",
        # A teacher's forms for her class, and enforcement described by what it does.
        "She must fill in the birthplace box for seven-year-olds, knowing that the addresses "
        "go on to the people who organise removals.",
        # Information collected for education, used to find families.
        "Information we collect for education must never be used to locate families for "
        "immigration purposes.",
        # A parent's words for the form: a slip from his class.
        "My son came home from his class with a slip asking which country he was born in.",
        # The Home Department asking where schoolchildren are.
        "The Home Department has sought the whereabouts of schoolchildren believed to be "
        "without leave to remain.",
    ],
)
def test_the_boycott_in_everyday_words(text):
    assert shown(text) == ["boycott-school-census"]


def test_a_group_introduced_by_its_earlier_campaign_is_not_about_it():
    text = (
        "Against Borders for Children, the group best known for persuading parents to "
        "refuse the school census nationality questions, has turned to hospital charges."
    )
    assert shown(text) == []


@pytest.mark.parametrize(
    "question",
    [
        "To ask the Secretary of State for Education whether her Department shares "
        "information about university applicants with the Home Office.",
        "To ask the Secretary of State for Education whether student records held by the "
        "Higher Education Statistics Agency are shared with the Home Office for the "
        "purposes of immigration enforcement.",
    ],
)
def test_university_students_records_and_the_home_office_are_not_pupils(question):
    assert shown(question) == ["student-data"]


def test_a_placement_reason_logged_separately_from_a_criminal_record_is_the_ap_census():
    """'Separately from' is not 'separate from' the campaign (a comparison)."""
    text = (
        "Where a child is taught off-site because of offending, that is logged in their "
        "education history, separately from any criminal record."
    )
    assert shown(text) == ["labels-last-a-lifetime"]


def test_teaching_excellence_ratings_later_linked_to_fees_are_not_records_linked():
    """Ratings made from metrics that draw on the student record: a metric, not records
    linked or seen."""
    text = (
        "Teaching Excellence Framework: Results\nThe results published today rate "
        "universities on metrics drawn from the student survey and the HESA student record. "
        "Several universities with excellent teaching were rated bronze. Will the Minister "
        "commit to a review before the ratings are linked to fees?"
    )
    assert shown(text) == []


def test_the_instrument_named_as_the_first_of_a_range_of_instruments_is_in_passing():
    text = (
        "Since 2015 the Department has made well over a hundred statutory instruments, "
        "from SI 2017/807 to the regulations on relationships education. My concern is "
        "the workload of head teachers."
    )
    tags = tag_text(RULES, text, ["uksi/2017/807"])
    assert [(tag.campaign, tag.status) for tag in tags] == [("labels-last-a-lifetime", "suggested")]
    assert tags[0].score < shown_from("labels-last-a-lifetime")


def test_a_teenage_mother_placed_by_her_local_authority_is_the_ap_census():
    text = (
        "Will a teenage mother placed in an education setting by her local authority have "
        "her pregnancy recorded against her name in data returned to the Department?"
    )
    assert shown(text) == ["labels-last-a-lifetime"]


def test_a_school_place_not_refused_for_a_childs_nationality_is_admissions_law():
    text = (
        "Admission authorities must not refuse to admit a child to a school because of "
        "their nationality."
    )
    assert shown(text) == []


def test_the_boycotts_coalition_named_on_another_campaign_is_only_a_suggestion():
    """Against Borders for Children ran the boycott, and also wrote about the AP
    census's reasons: its name is a suggestion for review, the campaign's own name or
    hashtag a confirmation."""
    letter = (
        "Against Borders for Children and Liberty wrote to the minister asking for the "
        "reason-for-placement question in the alternative provision census to be dropped."
    )
    assert shown(letter) == ["labels-last-a-lifetime"]
    assert "boycott-school-census" in campaigns(letter)
    assert shown("Parents joined the #BoycottSchoolCensus this autumn.") == [
        "boycott-school-census"
    ]


@pytest.mark.parametrize(
    ("placement_reasons", "exclusion_reasons"),
    [
        (
            "Researchers link records of children placed outside mainstream schools, "
            "including the recorded reason for each placement, to their attainment, "
            "exclusion and later destination data.",
            "Schools record disruptive behaviour as the reason for a third of permanent "
            "exclusions, and pupils with mental health needs are more likely to be excluded "
            "and end up in a pupil referral unit.",
        )
    ],
)
def test_a_reason_for_placement_near_the_word_exclusion_is_not_a_reason_for_exclusion(
    placement_reasons, exclusion_reasons
):
    assert shown(placement_reasons) == ["labels-last-a-lifetime"]
    assert shown(exclusion_reasons) == []


def test_a_privacy_notice_in_an_item_about_children_is_not_for_learners():
    """The AP census guide's colleges are settings for children; its privacy notices
    are the children's."""
    guide = (
        "For every child in a placement funded by the authority, record the main reason. "
        "The item applies to placements in further education colleges. Authorities should "
        "make sure their privacy notices explain that this information is passed on."
    )
    assert "student-data" not in shown(guide)


def test_recorded_lectures_are_teaching_not_learners_records():
    """ "Access to recordings" is not access to records: lecture recordings are the
    lecturers' teaching, in the one-item backstop as in the one-sentence rule."""
    evidence = (
        "Students with caring duties now expect recorded lectures. Access to recordings "
        "lets learners revise at their own pace, though some staff see fewer at live classes."
    )
    assert "student-data" not in shown(evidence)


def test_a_colleges_paperwork_on_its_students_passed_on_under_the_tfe_bill():
    """The Technical and Further Education Bill's sharing of information about students,
    in a speaker's words: a college's enrolment paperwork."""
    speech = (
        "Technical and Further Education Bill. The Bill lets colleges send the enrolment "
        "paperwork of their students to councils and to the Department."
    )
    assert shown(speech) == ["student-data"]


def test_records_matched_for_more_than_repayments_are_linked_records():
    """Repayments linked to earnings are the loan's workings; borrowers' files matched
    with tax records "for more than collecting repayments" are the records linked."""
    petition = (
        "Stop matching graduates' student finance files with their tax and benefit records. "
        "Ask borrowers before using their details for more than collecting repayments."
    )
    fees = "Students will pay nothing up front, and repayments remain linked to earnings."
    assert shown(petition) == ["student-data"]
    assert shown(fees) == []


def test_medical_needs_alone_are_a_reason_not_also_a_setting():
    """ "Medical needs" is one of the reasons the AP census records; a setting is the
    medical needs provision or unit that teaches such children. A college told of a
    student's medical needs is not alternative provision."""
    college = (
        "When my son enrolled at college he gave them his medical needs and grades, and "
        "now a central government lookup shows them to employers."
    )
    provision = (
        "For every pupil taught in medical needs provision, tell us the main reason "
        "they were placed: anxiety, a physical illness, or expecting a baby."
    )
    assert "labels-last-a-lifetime" not in shown(college)
    assert "labels-last-a-lifetime" in shown(provision)


def test_a_student_named_to_prevent_is_a_referral_not_student_data():
    referral = (
        "Lecturers feel under pressure to pass on a student's name to the Prevent "
        "programme after one remark about radicalisation in a seminar."
    )
    assert shown(referral) == []


def test_a_university_admissions_form_handed_on_is_student_data():
    question = (
        "What safeguards apply when what an applicant wrote on the university admissions "
        "form is handed to civil servants and approved researchers?"
    )
    assert shown(question) == ["student-data"]


@pytest.mark.parametrize(
    "text",
    [
        "Former apprentices never knew a file on their courses existed that strangers could "
        "search.",
        "Once a student's file is in that chain, she cannot find out who has seen it.",
    ],
)
def test_a_learners_file_open_to_search_or_seen_by_others_is_student_data(text):
    assert shown(text) == ["student-data"]


def test_a_learners_details_handed_over_under_the_tfe_bill_are_information_about_students():
    speech = (
        "Technical and Further Education Bill. A girl who enrols at her local college hands "
        "over her address, her background and her results."
    )
    assert shown(speech) == ["student-data"]


def test_how_long_an_apprentices_information_is_kept_is_student_data():
    motion = (
        "Everyone starting an apprenticeship should be told how long the information they "
        "give will be kept."
    )
    assert shown(motion) == ["student-data"]


def test_a_vacancy_at_the_learning_records_service_is_not_about_its_records():
    advert = (
        "Vacancy: Learning Records Service. We are recruiting a service desk analyst in "
        "Coventry. Closing date for applications is the end of the month."
    )
    assert shown(advert) == []


def test_collecting_pupils_passports_is_not_a_school_trips_collective_passport():
    """ "Collect passports" stems as "collective passport" does (a school trip's list of
    travellers, which the boycott excludes): only the exact words are the trip's."""
    letter = (
        "We were told to collect passports, but only from the children who had joined from "
        "abroad. Does the Minister accept that asking schools where children were born has "
        "led to this?"
    )
    assert shown(letter) == ["boycott-school-census"]


def test_families_who_will_not_say_where_their_children_were_born_are_the_boycott():
    news = (
        "Families at the primary school have said they will not say where their children were born."
    )
    assert shown(news) == ["boycott-school-census"]


@pytest.mark.parametrize(
    "text",
    [
        "The answers form part of the return the college makes to the funding agency about "
        "every learner.",
        "The firm said it had checked his learner number. That number was not for any "
        "company with a login to look him up.",
    ],
)
def test_a_learners_return_or_number_in_other_words_is_student_data(text):
    assert shown(text) == ["student-data"]


def test_the_learning_records_services_staffing_is_not_its_records():
    answer = (
        "Learning Records Service: Staff. The team has 14 full-time equivalent posts; "
        "vacancies are advertised on the Civil Service Jobs website."
    )
    assert shown(answer) == []


def test_jobs_at_the_agency_that_runs_the_learning_records_service_are_not_its_records():
    news = (
        "The agency that funds colleges is to create 150 jobs, including on the team that "
        "runs the Learning Records Service."
    )
    assert shown(news) == []


def test_a_speech_in_the_herb_public_bill_committee_on_clause_74_is_student_data():
    """The Bill's committee is named "Higher Education and Research Public Bill
    Committee": a speech under its heading on clause 74 is on the Bill's clauses."""
    speech = (
        "Higher Education and Research Public Bill Committee. I do not believe anyone who "
        "pressed submit in January thought they were agreeing to this."
    )
    heading = Context("Clause 74: information to be provided to the OfS: applications")
    assert shown(speech, heading) == ["student-data"]


def test_the_office_for_students_powers_over_students_records_are_student_data():
    speech = (
        "Higher Education and Research Bill. Clause 61 gives the Office for Students a power "
        "to require a provider to hand over information and pass it on. Much of it concerns "
        "individual students: their course, their progress, their finances."
    )
    assert shown(speech) == ["student-data"]


def test_a_colleges_enrolment_book_opened_under_the_tfe_bill_is_student_data():
    speech = (
        "Technical and Further Education Bill. The clause opens the enrolment book of every "
        "college to the local council and to Whitehall."
    )
    assert shown(speech) == ["student-data"]


def test_pupil_files_supplied_to_border_enforcement_are_the_boycotts():
    news = (
        "Addresses drawn from the department's archive of pupil files were supplied to "
        "border enforcement officials."
    )
    assert shown(news) == ["boycott-school-census"]


def test_clearing_opening_on_results_day_is_not_ucas_opening_its_files():
    """UCAS's applications data passed on needs it opened to others ("open ... to"), not
    clearing opening on results day with the exams regulator in the next breath."""
    news = (
        "Students collected their A-level results, with UCAS reporting a record number of "
        "applicants accepted. Clearing opens today for those who missed their offers, the "
        "exams regulator said."
    )
    files = (
        "Opening the person-level files the admissions service keeps to bona fide "
        "academics is not a trivial step."
    )
    assert shown(news) == []
    assert shown(files) == ["student-data"]


@pytest.mark.parametrize(
    "text",
    [
        "Are the personal details young people give when they apply for a university place "
        "passed on to another department?",
        "The power lets the regulator require the body that runs university admissions to "
        "hand over the forms filled in by every applicant.",
        "The provision would oblige colleges to send councils information about every young "
        "person who enrols, and let councils pass it on.",
    ],
)
def test_applicants_and_young_peoples_information_passed_on_in_other_words(text):
    assert shown(text) == ["student-data"]


def test_the_office_for_students_notice_to_its_job_applicants_is_not_for_learners():
    notice = (
        "Office for Students: privacy notice for job applicants. When you apply for a job "
        "with us we collect your name and qualifications, and share information with "
        "referees."
    )
    assert shown(notice) == []


def test_a_pupils_address_passed_to_find_someone_in_the_country_unlawfully_is_the_boycotts():
    notice = (
        "The department may pass limited details about a pupil, such as a current address "
        "and school, to another part of government trying to locate someone who may be in "
        "the country unlawfully."
    )
    assert shown(notice) == ["boycott-school-census"]


def test_details_that_flow_into_records_on_learners_are_student_data():
    assert shown("These details also flow into the department's records on learners.") == [
        "student-data"
    ]


def test_the_home_office_paying_for_a_scheme_is_not_pupil_records_going_to_it():
    """Police tell schools of domestic abuse overnight, with Home Office support: the
    records go from the police to schools."""
    text = (
        "Most forces take part, with Home Office support. Nothing flows back: schools do "
        "not send pupil records to the police."
    )
    assert shown(text) == []
    assert shown(text.replace("with Home Office support", "with the Home Office")) == [
        "boycott-school-census"
    ]


def test_schoolchildren_asked_which_passport_they_hold_is_boycott_school_census():
    text = (
        "Details gathered from schoolchildren about which passport they hold could reach "
        "immigration officials."
    )
    assert campaigns(text) == ["boycott-school-census"]


def test_why_a_child_is_educated_otherwise_than_at_a_school_is_the_ap_census():
    text = (
        "Information about the reason a child receives education otherwise than at a "
        "school, including pregnancy or ill health, must be deleted at nineteen."
    )
    assert campaigns(text) == ["labels-last-a-lifetime"]
    # The duty to arrange education for children who "because of health reasons would
    # not otherwise receive" it is not a reason recorded.
    assert (
        campaigns(
            "Local authorities must arrange education for children who, because of health "
            "reasons, would not otherwise receive it."
        )
        == []
    )


@pytest.mark.parametrize(
    ("other_peoples", "students"),
    [
        # Pupils' destinations after key stage 4 are the schools' data.
        (
            "Destination measures after key stage 4 are made by matching pupil records with "
            "further and higher education data and with benefits information.",
            "Destination measures of adult learners are made by matching pupil records with "
            "further and higher education data and with benefits information.",
        ),
        # "Data on ... students" reached across a sentence to any later "students".
        (
            "The service gives every applicant access to clear data on each course, from "
            "contact hours to what past students went on to do.",
            "The service gives every applicant access to clear data on each student, from "
            "contact hours to what past students went on to do.",
        ),
        # Staff records are the university's staff's.
        (
            "Universities must return information on academic staff in the HESA staff record.",
            "Universities must return information on students in the HESA student record.",
        ),
        # A learner record named as where the statistics come from.
        (
            "These statistics are produced from data submitted by providers through the "
            "individualised learner record.",
            "Providers submit data about every apprentice through the individualised "
            "learner record.",
        ),
        # And in a statistics release's list of its sources.
        (
            "Participation passed half for the first time. Sources: Higher Education "
            "Statistics Agency student record and population estimates.",
            "The Higher Education Statistics Agency student record is passed to marketing firms.",
        ),
        # "Records of ... student" reached from lecturers' records to a student mailing list.
        (
            "A spreadsheet with the sickness records of 300 lecturers was sent to a student "
            "mailing list.",
            "A spreadsheet with the sickness records of every student was sent to a mailing list.",
        ),
    ],
)
def test_records_beside_students_are_not_students_records(other_peoples, students):
    """The students must be the people the records or data are about: each case has a
    control sentence, about students' own records, that is tagged."""
    assert campaigns(other_peoples) == []
    assert campaigns(students) == ["student-data"]


def test_the_nationality_row_named_among_past_controversies_is_not_the_campaign():
    text = (
        "Critics point to past controversies, from care.data to the row over pupils' "
        "nationality, as evidence that trust is fragile."
    )
    assert campaigns(text) == []
    assert campaigns(
        "Critics say the row over pupils' nationality shows that trust is fragile."
    ) == ["boycott-school-census"]


def test_pupil_data_going_to_the_home_office_is_boycott_school_census():
    text = "The Department for Education has handed the details of pupils to the Home Office."
    assert campaigns(text) == ["boycott-school-census"]


def test_words_far_apart_are_at_most_a_suggestion_for_review():
    filler = " ".join(["unrelated"] * 60)
    far = f"The school census is collected. {filler} Nationality law."
    assert [tag.score for tag in tag_text(RULES, far)] == [0.45]  # the one-item backstop
    assert RULES.campaigns[0].show_suggested_from > 0.45
    further = " ".join(["unrelated"] * 160)
    assert campaigns(f"The school census is collected. {further} Nationality law.") == []


def test_a_tag_says_which_rule_and_terms_matched_and_how_sure_it_is():
    (tag,) = tag_text(RULES, "The Home Office asked for pupil data from the school census.", [])
    assert tag.campaign == "boycott-school-census"
    assert tag.rule == "pupil records and the Home Office"
    assert tag.terms[:2] == ("pupil data", "home office")
    assert (tag.status, 0 < tag.score < 1) == ("suggested", True)


def test_rules_give_search_phrases_tracked_documents_and_thresholds():
    assert "alternative provision census" in RULES.search_phrases()
    assert RULES.search_plan().tracked_list("legislation") == ["uksi/2016/808", "uksi/2017/807"]
    assert RULES.search_plan().tracked_list("bills") == ["1773"]
    rows = {row["slug"]: row for row in RULES.campaign_rows()}
    assert set(rows) == {"boycott-school-census", "labels-last-a-lifetime", "student-data"}
    assert all(0 < row["show_suggested_from"] < 1 for row in rows.values())


# --- the rule forms, each on a small rules file -------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campaigns.yml"
    path.write_text(text, encoding="utf-8")
    return path


VALID_CAMPAIGN = """\
negation_words: [not, "no"]
campaigns:
  - slug: test-campaign
    hashtag: "#Test"
    title: Test
    description: A test campaign.
    show_suggested_from: 0.5
    rules:
"""


def tagged(tmp_path: Path, rules: str, text: str, **given) -> list:
    return tag_text(load_rules(write(tmp_path, VALID_CAMPAIGN + rules)), text, **given)


def test_words_match_their_other_forms_by_stem(tmp_path):
    rules = "      - name: w\n        any_of: [pupil record]\n"
    assert [t.terms for t in tagged(tmp_path, rules, "Pupils' records were shared")] == [
        ("pupil record",)
    ]
    assert tagged(tmp_path, rules, "Pupil data was shared") == []


def test_a_word_written_with_equals_matches_only_as_written(tmp_path):
    rules = "      - name: w\n        any_of: [=nationality]\n"
    assert tagged(tmp_path, rules, "The National Pupil Database") == []
    assert len(tagged(tmp_path, rules, "Pupils' nationality")) == 1


def test_a_prefixed_word_is_not_its_stem(tmp_path):
    rules = "      - name: w\n        any_of: [school]\n"
    assert tagged(tmp_path, rules, "Two-year-olds in pre-schools; schoolchildren") == []


def test_reasonable_is_not_a_form_of_reason(tmp_path):
    """Snowball stems "reasonable" to "reason"; guidance on pregnant pupils' "reasonable
    adjustments so she can continue to attend" gives no reason for attending anywhere."""
    rules = "      - name: w\n        any_of: [reason ... attend]\n"
    assert tagged(tmp_path, rules, "Make reasonable adjustments so she can attend.") == []
    assert len(tagged(tmp_path, rules, "The reasons she attends the unit.")) == 1


def test_a_gap_lets_words_come_between_in_the_same_sentence_only(tmp_path):
    rules = "      - name: w\n        any_of: [where ... born]\n"
    assert len(tagged(tmp_path, rules, "Schools ask where a child was born.")) == 1
    assert tagged(tmp_path, rules, "Ask where. Nobody was born.") == []


def test_a_sentence_rule_does_not_join_words_far_apart_in_a_run_on_sentence(tmp_path):
    rules = (
        "      - name: w\n        all_of: [[school census], [=nationality]]\n"
        "        within: sentence\n"
    )
    assert len(tagged(tmp_path, rules, "The school census records nationality.")) == 1
    filler = " ".join(["and"] * 45)
    assert tagged(tmp_path, rules, f"The school census records {filler} nationality.") == []


NAMED = """\
      - name: one
        all_of:
          - &birth [=nationality, place of birth]
          - [school census]
      - name: two
        all_of: [*birth, [head teacher]]
        unless: [*birth, trip]
"""


def test_a_named_list_is_written_once_and_used_again_alone_or_inside_a_list(tmp_path):
    rules = load_rules(write(tmp_path, VALID_CAMPAIGN + NAMED))
    one, two = rules.campaigns[0].rules[:2]
    assert one.groups[0] == two.groups[0]
    assert [p.text for p in two.unless] == ["=nationality", "place of birth", "trip"]
    (tag,) = tag_text(rules, "The school census asks for place of birth.")
    assert tag.rule == "one"


ORDERED = """\
      - name: to the Home Office
        all_of: [[pupil data], [to the home office]]
        within: sentence
        in_order: true
"""


def test_in_order_needs_the_groups_in_that_order_in_one_sentence(tmp_path):
    assert len(tagged(tmp_path, ORDERED, "Pupil data went to the Home Office.")) == 1
    assert tagged(tmp_path, ORDERED, "To the Home Office went pupil data.") == []
    assert tagged(tmp_path, ORDERED, "Pupil data. It went to the Home Office.") == []


UNLESS = """\
      - name: census
        all_of: [[school census], [=nationality]]
        unless: [annual school census]
"""


def test_unless_cancels_a_match_in_its_own_sentence_only(tmp_path):
    welsh = "The Pupil Level Annual School Census records nationality."
    assert tagged(tmp_path, UNLESS, welsh) == []
    english = "The school census records nationality. Wales has an annual school census."
    assert len(tagged(tmp_path, UNLESS, english)) == 1


def test_unless_elsewhere_in_the_item_halves_a_match_unless_it_is_denied_there(tmp_path):
    alone = tagged(tmp_path, UNLESS, "The school census records nationality.")
    assert [tag.score for tag in alone] == [0.6]
    # An item that also talks about another census may well be about that one.
    also = "The school census records nationality. Wales has an annual school census."
    assert [tag.score for tag in tagged(tmp_path, UNLESS, also)] == [0.3]
    # "not the annual school census" says which census the item is about.
    contrast = "We mean England's count, not the annual school census. Ours is different."
    contrast += " The school census records nationality."
    assert [tag.score for tag in tagged(tmp_path, UNLESS, contrast)] == [0.6]


def test_matches_all_doubted_by_another_census_elsewhere_do_not_add_up(tmp_path):
    rules = UNLESS + (
        "      - name: pupils\n        any_of: [pupil =nationality]\n"
        "        unless: [annual school census]\n"
    )
    text = "The school census records nationality. It has pupil nationality."
    assert [tag.score for tag in tagged(tmp_path, rules, text)] == [0.84]
    # Each halved (0.3), and only the strongest counts: not 1 - 0.7 * 0.7.
    text += " Wales has an annual school census."
    assert [tag.score for tag in tagged(tmp_path, rules, text)] == [0.3]


SET_ASIDE = """\
      - name: census
        all_of: [[school census], [=nationality]]
        unless: [not in this group]
"""


def test_an_unless_phrase_with_its_own_negation_word_still_halves_elsewhere(tmp_path):
    # The "not" of "that is not in this group" is the phrase's own word: it denies
    # nothing, so the speaker setting the subject aside halves the match as any
    # unless phrase elsewhere does.
    text = "The school census records nationality. That is not in this group."
    assert [tag.score for tag in tagged(tmp_path, SET_ASIDE, text)] == [0.3]


def test_a_match_the_context_starts_is_doubted_by_an_unless_phrase_elsewhere(tmp_path):
    heading = Context("School Census", "the debate's heading")
    speech = "The school census records nationality. That is not in this group."
    # The speech's own match and the one its heading starts are both halved by the
    # speaker's setting the subject aside, and doubted matches do not add up: the
    # strongest alone (0.3), not 1 - 0.7 * (1 - 0.75 * 0.3).
    (tag,) = tagged(tmp_path, SET_ASIDE, speech, context=heading)
    assert tag.score == 0.3


def test_unless_also_covers_a_next_sentence_that_carries_on_with_a_pronoun(tmp_path):
    welsh = "Wales has an annual school census. It records nationality in the school census."
    assert tagged(tmp_path, UNLESS, welsh) == []
    english = "Wales has an annual school census. The school census records nationality."
    assert len(tagged(tmp_path, UNLESS, english)) == 1


def test_a_phrase_does_not_run_from_one_sentence_into_the_next(tmp_path):
    rules = "      - name: w\n        any_of: [school census]\n"
    assert tagged(tmp_path, rules, "Help for schools\nCensus day is Sunday.") == []
    assert len(tagged(tmp_path, rules, "Help for the school census on Sunday.")) == 1


SCOPED = """\
      - name: data sharing in the bill
        all_of: [[education record], [share]]
        scope: [digital economy bill]
"""


def test_a_scoped_rule_needs_its_scope_in_the_text_or_the_context(tmp_path):
    text = "Education records must not be shared through these gateways."
    assert tagged(tmp_path, SCOPED, text) == []
    heading = Context("Digital Economy Bill", "the debate's heading")
    (tag,) = tagged(tmp_path, SCOPED, text, context=heading)
    assert tag.context == ""  # the text matched; the heading only set the scope


@pytest.mark.parametrize(("policy", "score"), [("weaker", 0.3), ("cancels", None), ("counts", 0.6)])
def test_a_negative_sentence_weakens_cancels_or_counts_as_the_rule_says(tmp_path, policy, score):
    rules = f"      - name: w\n        any_of: [pupil record]\n        when_negated: {policy}\n"
    tags = tagged(tmp_path, rules, "Pupil records are not shared.")
    assert [t.score for t in tags] == ([score] if score else [])


def test_a_negation_far_from_the_match_in_a_long_sentence_does_not_deny_it(tmp_path):
    rules = "      - name: w\n        all_of: [[pupil record], [department]]\n"
    near = "Pupil records are not sent to the Department."
    far = "Parents were not asked whether their children's pupil records went to the Department."
    assert [t.score for t in tagged(tmp_path, rules, near)] == [0.3]
    assert [t.score for t in tagged(tmp_path, rules, far)] == [0.6]


def test_a_negation_word_in_a_not_negating_phrase_negates_nothing(tmp_path):
    rules = (
        "      - name: w\n        any_of: [pupil record]\n"
        "not_negating: [not only, whether or not]\n"
    )
    scores = {
        text: [t.score for t in tagged(tmp_path, rules, text)]
        for text in (
            "Not only pupil records were shared.",
            "Pupil records are kept whether or not they are used.",
            "Pupil records are not shared.",
            "Only pupil records are not shared.",
        )
    }
    assert list(scores.values()) == [[0.6], [0.6], [0.3], [0.3]]


def test_independent_evidence_adds_up(tmp_path):
    rules = (
        "      - name: one\n        any_of: [pupil record]\n        weight: 0.5\n"
        "      - name: two\n        any_of: [home office]\n        weight: 0.5\n"
    )
    assert [t.score for t in tagged(tmp_path, rules, "Pupil records.")] == [0.5]
    (tag,) = tagged(tmp_path, rules, "Pupil records. The Home Office.")
    assert (tag.score, tag.terms) == (0.75, ("pupil record", "home office"))


def test_in_an_item_about_what_the_campaign_excludes_matches_do_not_add_up(tmp_path):
    rules = VALID_CAMPAIGN.replace("    rules:\n", "    exclude: [wales]\n    rules:\n") + (
        "      - name: one\n        any_of: [pupil record]\n        weight: 0.8\n"
        "      - name: two\n        any_of: [home office]\n        weight: 0.8\n"
    )
    campaign = load_rules(write(tmp_path, rules))

    def scores(text: str) -> list[float]:
        return [tag.score for tag in tag_text(campaign, text)]

    assert scores("Pupil records. The Home Office.") == [0.96]
    # Each match is halved (the exclusion is elsewhere in the item) and only the
    # strongest counts: 0.4, not 1 - 0.6 * 0.6.
    assert scores("Pupil records. The Home Office. The census of Wales.") == [0.4]
    assert scores("Pupil records. The Home Office. Not in Wales.") == [0.96]


DENYING = VALID_CAMPAIGN.replace(
    "    rules:\n", "    denials: [does not collect, is not collected]\n    rules:\n"
) + (
    "      - name: reasons\n        all_of: [[pupil referral unit], [reason]]\n"
    "        within: sentence\n        when_negated: counts\n        weight: 0.8\n"
)


def test_a_denial_cancels_the_match_it_is_about_and_halves_the_rest_of_the_item(tmp_path):
    campaign = load_rules(write(tmp_path, DENYING))

    def scores(text: str) -> list[float]:
        return [tag.score for tag in tag_text(campaign, text)]

    question = "How many pupils are in a pupil referral unit for that reason?"
    assert scores(question) == [0.8]
    # The answer says that what the campaign is about is not collected: the question's
    # match is halved, the denied sentence's cancelled (even for a rule that counts
    # negated matches).
    answer = " The Department does not collect the reason for a pupil referral unit place."
    assert scores(question + answer) == [0.4]
    assert scores(answer) == []
    # A denial of something else leaves the item as it was.
    assert scores(question + " The diagnosis itself is not collected.") == [0.8]


def test_an_items_own_matches_can_outweigh_its_denial(tmp_path):
    """A campaign whose denials are not its news (`outweighs_denials_from`): an answer
    that opens by denying one thing and goes on, in its own other sentences, to what the
    campaign is about is not doubted; one whose other matches are weaker still is."""
    outweighing = DENYING.replace(
        "    rules:\n", "    outweighs_denials_from: 0.75\n    rules:\n", 1
    )
    denied_then_affirmed = (
        "The Department does not collect the reason for a pupil referral unit place. "
        "Each pupil referral unit records the reason on every child's file."
    )
    assert [
        t.score for t in tag_text(load_rules(write(tmp_path, DENYING)), denied_then_affirmed)
    ] == [0.4]
    assert [
        t.score for t in tag_text(load_rules(write(tmp_path, outweighing)), denied_then_affirmed)
    ] == [0.8]
    weaker = outweighing.replace("outweighs_denials_from: 0.75", "outweighs_denials_from: 0.85")
    assert [
        t.score for t in tag_text(load_rules(write(tmp_path, weaker)), denied_then_affirmed)
    ] == [0.4]
    # The question's matches are not the answer's own: a denial of what it asked still
    # doubts it, however strongly it asked.
    asked = Context("Why is each pupil referral unit place made, for what reason?", "the question")
    answered = "The Department does not collect the reason for each pupil referral unit place."
    outweighed = load_rules(write(tmp_path, outweighing.replace("0.75", "0.7")))
    assert [t.score for t in tag_text(outweighed, answered, context=asked)] == [0.36]


@pytest.mark.parametrize("value", ["1.5", "yes", "[0.9]"])
def test_an_outweighing_score_outside_0_to_1_is_refused(tmp_path, value):
    text = DENYING.replace("    rules:\n", f"    outweighs_denials_from: {value}\n    rules:\n", 1)
    with pytest.raises(RulesError, match="'outweighs_denials_from:' must be a score from 0 to 1"):
        load_rules(write(tmp_path, text))


def test_a_denial_in_the_answer_halves_what_its_question_shows(tmp_path):
    campaign = load_rules(write(tmp_path, DENYING))
    asked = Context("Why is each pupil referral unit place made, for what reason?", "the question")
    answered = "The Department does not collect the reason for each pupil referral unit place."
    assert [t.score for t in tag_text(campaign, "We publish numbers.", context=asked)] == [0.72]
    assert [t.score for t in tag_text(campaign, answered, context=asked)] == [0.36]


def test_an_answer_that_this_information_is_not_collected_doubts_its_question(tmp_path):
    campaign = load_rules(write(tmp_path, DENYING))
    asked = Context("Why is each pupil referral unit place made, for what reason?", "the question")

    def score(answer: str) -> list[float]:
        return [t.score for t in tag_text(campaign, answer, context=asked)]

    # The denial names nothing of the campaign but points back at what was asked.
    assert score("The Department does not collect this information centrally.") == [0.36]
    # A denial of something else, not pointing back, leaves the question's match whole.
    assert score("The Department does not collect dates of birth. We publish numbers.") == [0.72]


def test_a_question_and_its_answer_stored_as_one_text_are_read_as_question_and_answer(tmp_path):
    campaign = load_rules(write(tmp_path, DENYING))

    def scores(text: str) -> list[float]:
        return [tag.score for tag in tag_text(campaign, text)]

    question = "To ask why each pupil referral unit place is made, for what reason. Answer:"
    assert scores(question + " We publish numbers.") == [0.8]
    # The answer points back at the question it follows...
    assert scores(question + " The Department does not collect this information.") == [0.4]
    assert scores(question + " The information requested is not collected.") == [0.4]
    assert scores(question + " The Department does not collect the requested figures.") == [0.4]
    # ...or names again, in its denial, a phrase a rule matched in the question.
    assert scores(question + " It is not collected for each pupil referral unit.") == [0.4]
    # One word a rule matched ("reason") is too common to say what is denied.
    assert scores(question + " The reason is not collected.") == [0.8]


def test_a_denial_doubts_what_the_question_and_the_answer_show_together(tmp_path):
    rules = DENYING + (
        "      - name: reported\n        all_of: [[pupil referral unit], [department]]\n"
        "        within: 40\n"
    )
    campaign = load_rules(write(tmp_path, rules))
    asked = Context("Why is a child in a pupil referral unit?", "the question")
    answered = (
        "The Department publishes numbers."
        " It does not collect the reason for a pupil referral unit place."
    )
    # The question starts "reported" and the answer finishes it, but the answer says the
    # reasons are not collected: every match is halved, and they do not add up.
    assert [t.score for t in tag_text(campaign, answered, context=asked)] == [0.3]


CITES = """\
      - name: cites
        cites: [uksi/2016/808]
        in_passing: [as amended by]
"""


def test_a_citation_in_a_list_of_instruments_or_in_passing_is_only_a_suggestion(tmp_path):
    listed = (
        "Laid: the Feed-in Tariffs Order 2016; the Pupil Regulations 2016 (SI 2016/808); "
        "the Plant Health Regulations 2016."
    )
    (tag,) = tagged(tmp_path, CITES, listed, cites=["uksi/2016/808"])
    assert (tag.status, tag.score) == ("suggested", 0.3)
    passing = "The 2013 Regulations, as amended by S.I. 2016/808, now require hours."
    (tag,) = tagged(tmp_path, CITES, passing, cites=["uksi/2016/808"])
    assert (tag.status, tag.score) == ("suggested", 0.4)
    (tag,) = tagged(tmp_path, CITES, "Regret SI 2016/808.", cites=["uksi/2016/808"])
    assert tag.status == "confirmed"


def test_a_citation_joined_to_one_in_passing_is_in_passing_too(tmp_path):
    """ "As amended by S.I. 2015/900 and S.I. 2016/808": the words before the first
    citation of a run say where every citation of it is; a citation after other words
    is on its own."""
    joined = "The 2013 Regulations, as amended by S.I. 2015/900 and S.I. 2016/808, stand."
    (tag,) = tagged(tmp_path, CITES, joined, cites=["uksi/2016/808"])
    assert (tag.status, tag.score) == ("suggested", 0.4)
    apart = "The 2013 Regulations, as amended by S.I. 2015/900, were changed again: SI 2016/808."
    (tag,) = tagged(tmp_path, CITES, apart, cites=["uksi/2016/808"])
    assert tag.status == "confirmed"


@pytest.mark.parametrize(
    "listed",
    [
        # Titles without years, ended where the next one starts, and numbers.
        "Made in 2016: the School Teachers' Pay and Conditions Order; the Childcare "
        "Regulations and the Pupil Registration Regulations; S.I. 2016/808.",
        "Laid: SI 2016/792, Statutory Instrument 2016/808 and S.I. 2016/811.",
        # The numbers after the first without their own "S.I.".
        "The 2013 Regulations were amended by S.I. 2014/1231, 2016/808 and 2018/733.",
    ],
)
def test_a_list_of_instruments_is_seen_whether_they_are_named_by_title_or_number(tmp_path, listed):
    (tag,) = tagged(tmp_path, CITES, listed, cites=["uksi/2016/808"])
    assert (tag.status, tag.score) == ("suggested", 0.3)


def test_a_sentence_on_one_instrument_and_the_one_it_amends_is_not_a_list(tmp_path):
    text = "The Regulations (SI 2016/808) amend the 2013 Regulations and the census guide."
    (tag,) = tagged(tmp_path, CITES, text, cites=["uksi/2016/808"])
    assert tag.status == "confirmed"


def test_an_instrument_named_by_title_and_number_in_a_list_is_one_weak_mention():
    listed = (
        "Laid: the Feed-in Tariffs Order 2016; the Education (Pupil Information) (England) "
        "(Miscellaneous Amendments) Regulations 2016 (SI 2016/808); the Plant Health "
        "Regulations 2016."
    )
    (tag,) = tag_text(RULES, listed, ["uksi/2016/808"])
    assert (tag.status, tag.score) == ("suggested", 0.3)


def test_an_instrument_among_others_the_department_laid_is_a_mention_in_passing():
    text = (
        "This instrument changes what schools publish online. It is one of several the "
        "Department laid before the recess; others include SI 2017/807."
    )
    (tag,) = tag_text(RULES, text, ["uksi/2017/807"])
    assert (tag.campaign, tag.status, tag.score) == ("labels-last-a-lifetime", "suggested", 0.4)
    (tag,) = tag_text(
        RULES, text.replace("others include", "the one that matters is"), ["uksi/2017/807"]
    )
    assert tag.status == "confirmed"


@pytest.mark.parametrize(
    "text",
    [
        "What grounds for arranging education otherwise than at school must councils "
        "return to the Department for each child?",
        "Teenagers are marked as young offenders in their education records because "
        "councils must explain every placement outside school.",
    ],
)
def test_why_a_child_is_educated_outside_school_in_other_words_is_the_ap_census(text):
    assert campaigns(text) == ["labels-last-a-lifetime"]


def test_the_campaign_named_by_its_own_hashtag_is_confirmed_without_a_rule():
    (tag,) = tag_text(RULES, "Students are sharing #StudentDataPrivacy stories.")
    assert (tag.campaign, tag.rule, tag.status) == (
        "student-data",
        "campaign's hashtag",
        "confirmed",
    )
    assert tag_text(RULES, "Labels last for years; #LabelsLast is another campaign.") == []


def test_a_rule_that_confirms_gives_a_confirmed_tag(tmp_path):
    rules = "      - name: named\n        any_of: [boycott school census]\n        confirms: true\n"
    assert tagged(tmp_path, rules, "Join the boycott of the school census!") == []
    (tag,) = tagged(tmp_path, rules, "Boycott school census day.")
    assert (tag.status, tag.score) == ("confirmed", 1.0)


# --- context -----------------------------------------------------------------------------


def test_a_speech_inherits_its_debate_heading_citation_as_explained_context():
    heading = Context(
        "Regulations (SI 2016/808)", "the debate's heading", {"uksi/2016/808": "SI 2016/808"}
    )
    (tag,) = tag_text(RULES, "I am grateful to the Minister.", [], heading)
    assert (tag.campaign, tag.status) == ("boycott-school-census", "confirmed")
    assert tag.context == "the debate's heading cites SI 2016/808"


def test_a_speech_inherits_what_its_debate_heading_is_about_with_less_certainty():
    text = "Who will see why a named child was placed there, and for how long?"
    assert campaigns(text) == []
    heading = Context("Alternative Provision Census: Reasons for Placement", "the debate's heading")
    (tag,) = tag_text(RULES, text, [], heading)
    assert tag.campaign == "labels-last-a-lifetime"
    assert tag.context.startswith("the debate's heading matches")


COMPLETED = """\
      - name: census and nationality
        all_of: [[school census], [=nationality]]
        unless: [annual school census]
        weight: 0.8
      - name: data to the Home Office
        all_of: [[pupil data], [to the home office]]
        within: sentence
        in_order: true
"""


def test_a_speech_completes_a_rule_its_debate_heading_starts(tmp_path):
    speech = "Parents were never told that they could refuse to give a child's nationality."
    assert tagged(tmp_path, COMPLETED, speech) == []
    heading = Context("School Census: Pupils", "the debate's heading")
    (tag,) = tagged(tmp_path, COMPLETED, speech, context=heading)
    assert (tag.rule, tag.status, tag.score) == ("census and nationality", "suggested", 0.6)
    assert tag.terms == ("school census", "=nationality")
    assert tag.context == "the debate's heading has 'school census' for 'census and nationality'"


def test_a_context_completes_nothing_it_cancels_or_out_of_the_rules_order(tmp_path):
    welsh = Context("Pupil Level Annual School Census", "the debate's heading")
    assert tagged(tmp_path, COMPLETED, "Schools ask for nationality.", context=welsh) == []
    # The Home Office asking about pupil data is not pupil data going to it.
    question = Context("To ask the Home Secretary what goes to the Home Office", "the question")
    assert tagged(tmp_path, COMPLETED, "Pupil data is held securely.", context=question) == []
    question = Context("To ask what pupil data is held", "the question")
    (tag,) = tagged(tmp_path, COMPLETED, "None goes to the Home Office.", context=question)
    assert tag.rule == "data to the Home Office"


EXCLUDING = """\
    exclude: [prevent referral]
    rules:
      - name: records
        any_of: [pupil record]
        weight: 0.8
      - name: nationality
        any_of: [pupil =nationality]
        unless: [scottish]
        weight: 0.8
      - name: named
        any_of: [record boycott]
        confirms: true
"""


def test_a_context_about_what_a_rule_or_campaign_excludes_halves_what_the_text_shows(tmp_path):
    rules = load_rules(write(tmp_path, VALID_CAMPAIGN.removesuffix("    rules:\n") + EXCLUDING))
    text = "Pupil records are held securely."
    assert [t.score for t in tag_text(rules, text)] == [0.8]
    question = Context("How many Prevent referrals came from schools?", "the question")
    assert [t.score for t in tag_text(rules, text, context=question)] == [0.4]
    (named,) = tag_text(rules, "Join the record boycott.", context=question)
    assert named.status == "confirmed"
    scottish = Context("What does the Scottish pupil census hold?", "the question")
    assert [t.score for t in tag_text(rules, "Pupil nationality.", context=scottish)] == [0.4]
    assert [t.score for t in tag_text(rules, "Pupil records.", context=scottish)] == [0.8]
    # and the other way: a question matched, its answer about the Scottish census
    asked = Context("What of pupil nationality?", "the question")
    assert [t.score for t in tag_text(rules, "See the Scottish census.", context=asked)] == [0.36]


def test_a_hansard_item_reads_its_heading_and_a_written_answer_its_question_as_context():
    debate = item_text(
        "hansard:1",
        "hansard",
        "Education Regulations 2016 (SI 2016/808) \u2014 Motion",
        "",
        "Speech.",
    )
    assert debate.text == "Motion\nSpeech."
    assert debate.context is not None
    assert (debate.context.text, debate.context.cites) == (
        "Education Regulations 2016 (SI 2016/808)",
        {"uksi/2016/808": "SI 2016/808"},
    )
    body = "Question (Ann, tabled 2016-10-01):\nWhy the census?\n\nAnswer (Nick, 2016-10-05):\nNo."
    answer = item_text("questions:wq:1", "questions", "Schools", "No.", body)
    assert answer.context is not None and answer.context.text == "Why the census?"
    assert answer.text == "Schools\nNo.\nAnswer (Nick, 2016-10-05):\nNo."
    statement = item_text("questions:ws:1", "questions", "Schools", "", "A statement.")
    assert statement.context is None


@pytest.mark.parametrize(
    ("item_id", "source", "title", "body"),
    [
        ("hansard:1", "hansard", "Regulations (SI 2016/808) \u2014 Motion", "See SI 2017/807."),
        ("hansard:2", "hansard", "School Census \u2014 Nationality", "SI 2017/807 amends it."),
        ("hansard:3", "hansard", "School Census \u2014 Nationality", "No instrument."),
        (
            "questions:wq:1",
            "questions",
            "Schools",
            "Question (Ann, tabled 2016-10-01):\nSI 2016/808?\n\nAnswer (Nick, 2016-10-05):\nNo.",
        ),
        ("govuk:1", "govuk", "Census guide", "Under S.I. 2016/808 schools return..."),
    ],
)
def test_an_item_read_with_its_known_citations_reads_as_it_would_without(
    item_id, source, title, body
):
    # The pipelines pass what CitationPipeline found, so the parts need no search of
    # their own when the item cites nothing; what the tagger reads must not change.
    cites = cited_by(item_id, document_text(title, "", body))
    assert item_text(item_id, source, title, "", body, "", cites) == item_text(
        item_id, source, title, "", body
    )


# --- mistakes in the rules file ----------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "line", "reason"),
    [
        ("      - name: no kind\n", 9, "needs exactly one of cites, any_of, all_of"),
        ("      - name: bad\n        cites: [SI 2016/808]\n", 9, "is not like uksi/2016/808"),
        ("      - name: one group\n        all_of: [[a, b]]\n", 9, "two or more lists"),
        ("      - name: typo\n        any_off: [a]\n", 10, "unknown rule key 'any_off'"),
        ("      - name: x\n        any_of: a: b\n", 10, "not valid YAML"),
        ("      - name: x\n        any_of: [c*]\n", 10, "has a wildcard"),
        ("      - name: x\n        any_of: ['pupil(s)?']\n", 10, "looks like a regular expression"),
        ("      - name: x\n        any_of: [c]\n", 10, "single letter"),
        ("      - name: x\n        any_of: [a]\n        name: y\n", 11, "'name' is written twice"),
        ("      - name: x\n        any_of: [ab]\n        within: 3\n", 11, "goes only with"),
        ("      - name: x\n        any_of: [ab]\n        weight: 2\n", 11, "'weight' must be"),
        ("      - name: x\n        any_of: [ab]\n    exlude: [a]\n", 11, "unknown campaign key"),
        ("      - name: x\n        any_of: [ab]\ntrackd: {}\n", 11, "unknown top-level key"),
        ("      - name: x\n        any_of: [ab]\ntracked:\n  bill: [1]\n", 12, "unknown tracked"),
        ("      - name: x\n        any_of: [ab]\ntracked:\n  bills: [x1]\n", 12, "bill id"),
        ("      - name: x\n        any_of: [yes, ab]\n", 10, "in quotes"),
        ("      - name: x\n        any_of: [ab]\nnot_negating: [only]\n", 11, "negation_words"),
    ],
)
def test_a_rules_file_with_a_mistake_is_refused_naming_the_line(tmp_path, rules, line, reason):
    path = write(tmp_path, VALID_CAMPAIGN + rules)
    with pytest.raises(RulesError) as error:
        load_rules(path)
    assert f"{path}:{line}:" in str(error.value)
    assert reason in str(error.value)


def test_a_bad_slug_is_refused(tmp_path):
    path = write(tmp_path, VALID_CAMPAIGN.replace("test-campaign", "Test Campaign"))
    with pytest.raises(RulesError, match=":3: slug 'Test Campaign'"):
        load_rules(path)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("campaigns: []\n", "'campaigns:' is empty"),
        (VALID_CAMPAIGN, "has no 'rules:' list"),
        (VALID_CAMPAIGN.replace("    show_suggested_from: 0.5\n", "") + "      - name: x\n"
         "        any_of: [ab]\n", "needs 'show_suggested_from:'"),
    ],
)  # fmt: skip
def test_a_rules_file_that_would_tag_nothing_or_show_anything_is_refused(tmp_path, text, reason):
    with pytest.raises(RulesError, match=reason):
        load_rules(write(tmp_path, text))


def test_the_compiled_stemmer_is_used_and_stems_as_the_pure_python_one_does():
    """PyStemmer makes re-tagging a million items fast; the tags must not depend on
    whether it is installed."""
    compiled = snowballstemmer.stemmer("english")
    assert type(compiled).__module__ == "Stemmer"
    rules_text = (Path(__file__).parents[2] / "data" / "campaigns.yml").read_text()
    words = sorted(set(read_words(rules_text).words))
    assert len(words) > 300
    pure = EnglishStemmer()
    assert [compiled.stemWord(word) for word in words] == [pure.stemWord(w) for w in words]


def test_the_rules_are_made_once_per_text_of_the_file_and_again_after_an_edit(tmp_path):
    """Every spider's tagging and storage pipelines load the rules: the same text gives
    the same rules (and their caches), an edited file new ones."""
    rules_file = tmp_path / "campaigns.yml"
    rules_file.write_text((Path(__file__).parents[2] / "data" / "campaigns.yml").read_text())
    first = load_rules(rules_file)
    assert load_rules(rules_file) is first
    rules_file.write_text(rules_file.read_text().replace("prevent duty, ", "", 1))
    edited = load_rules(rules_file)
    assert edited is not first
    assert edited != first


# dev1610- to dev1640- (2 December, third session): the classes their misses fell into.


def test_a_peer_on_candidates_particulars_lent_to_researchers_under_herb_is_student_data():
    """The Higher Education and Research Bill's debates speak of learners and what is
    sent about them in many words ("sixth-formers", "particulars", "lent")."""
    heading = Context(
        "Higher Education and Research Bill: Report (2nd Day)", "the debate's heading"
    )
    speech = (
        "My Lords, a sixth-former filling in her form expects her particulars to reach the "
        "universities she chose, not to be lent to any researcher the Minister approves."
    )
    assert shown(speech, heading) == ["student-data"]
    elsewhere = "A sixth-former's particulars may be lent to a researcher in any sector."
    assert shown(elsewhere) == []


def test_research_councils_in_the_herb_debate_are_not_students_data():
    speech = (
        "Higher Education and Research Bill. Researchers must have confidence that their "
        "grants are decided by peers, and the councils will share information between them."
    )
    assert shown(speech) == []


def test_colleges_records_circulated_under_part_5_of_the_digital_economy_bill_are_student_data():
    speech = (
        "Digital Economy Bill. Under Part 5 a college's list of who left a course, and why, "
        "would be circulated to the council, the jobcentre and the police."
    )
    assert shown(speech) == ["student-data"]


@pytest.mark.parametrize(
    "question",
    [
        "What information does the Office for Students require providers to return on each "
        "student, and will it be shared with the Student Loans Company?",
        "Which bodies may see the entries in the Data Futures collection?",
        "How many candidate files were loaded into the achievement ledger, and who may see them?",
        "Can a college look up every certificate she has sat since 1990 on the register?",
    ],
)
def test_learners_records_in_an_agencys_or_a_learners_words_are_student_data(question):
    assert shown(question) == ["student-data"]


def test_si_2016_808_among_the_instruments_a_department_laid_is_not_the_boycotts():
    answer = (
        "The Department laid 41 statutory instruments in 2016, including S.I. 2016/808; "
        "29 were subject to the negative procedure."
    )
    (tag,) = tag_text(RULES, answer, ["uksi/2016/808"])
    assert (tag.campaign, tag.status, tag.score) == ("boycott-school-census", "suggested", 0.4)


def test_immigration_officials_asking_the_education_ministry_where_a_child_is_is_the_boycotts():
    question = (
        "How many times did immigration officials ask the education ministry to locate a "
        "child's family last year?"
    )
    assert shown(question) == ["boycott-school-census"]


def test_learner_records_passed_to_the_home_office_are_student_data_not_the_boycotts():
    """The boycott is about pupils' records; colleges' returns on their learners are
    student-data's, even when the Home Office wants an address from them."""
    petition = (
        "Stop the Department for Education giving the Home Office the addresses colleges "
        "send it in the Individualised Learner Record."
    )
    assert shown(petition) == ["student-data"]


# dev1650- to dev1680- (2 December, third session).


@pytest.mark.parametrize(
    "text",
    [
        "The body that lends students their fees swaps information about them with the taxman.",
        "Stop the loans company passing borrowers' course details to debt collection agencies. "
        "It should tell each borrower who has received their personal information.",
    ],
)
def test_a_student_loan_borrowers_details_passed_on_are_student_data(text):
    assert shown(text) == ["student-data"]


@pytest.mark.parametrize(
    "text",
    [
        "Who decided that adult learners' old failures should be stored forever?",
        "The college will load every student's enrolment form into an analytics firm's system.",
        "Adults who took an evening class in 1995 still have its details held centrally.",
        "The progress details of adults attending English classes are passed to jobcentres.",
        "Former students asked for copies of the emails about their marks, under data rights.",
    ],
)
def test_learners_details_kept_or_passed_on_in_everyday_words_are_student_data(text):
    assert shown(text) == ["student-data"]


def test_a_students_own_file_of_emails_to_her_landlord_is_not_student_data():
    text = "One student kept a file of photos and emails for months before the landlord came."
    assert shown(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The Learning Records Service is recruiting a service desk analyst in Coventry; "
        "salary 27,000 pounds plus civil service pension.",
        "Finance records published by the Higher Education Statistics Agency show more "
        "universities in deficit.",
        "Technical and Further Education Bill. Colleges will publish information about the "
        "fifteen technical routes for students.",
    ],
)
def test_student_look_alikes_from_the_same_publishers_are_not_student_data(text):
    assert shown(text) == []


def test_a_sponsored_walk_or_a_summer_born_admission_elsewhere_does_not_halve_the_boycott():
    """A visa sponsor or a school refusing a place because of nationality are not the
    census asking; a sponsored walk and an admissions authority elsewhere in a long
    item do not make the census's question any less the boycott's."""
    asking = "Schools now ask where our children were born and which passport they have."
    assert shown(asking) == ["boycott-school-census"]
    walk = "Parents raised 4,000 pounds with a sponsored walk. "
    admissions = "Admissions authorities insist summer-born children skip reception. "
    assert shown(walk + asking) == ["boycott-school-census"]
    assert shown(admissions + asking) == ["boycott-school-census"]


# dev1690- to dev1720- (2 December, third session).


@pytest.mark.parametrize(
    "text",
    [
        "The nursing school sent each student's disability support plan to the hospitals, "
        "and students had not agreed to their diagnoses being shared.",
        "Tutors can see contextual markers supplied by the admissions service for each candidate.",
        "Partners of UCAS's commercial arm do not receive applicants' contact details.",
        "Each council keeps its client caseload information system on every young person.",
        "Everything a college is told at enrolment is returned to the funding agency.",
    ],
)
def test_learners_records_held_or_passed_on_by_those_who_handle_them_are_student_data(text):
    assert shown(text) == ["student-data"]


@pytest.mark.parametrize(
    "text",
    [
        "Information on staff contracts is collected through the HESA staff record and "
        "published by the Office for Students.",
        "Higher Education and Research Bill. UKRI should require research data sets to be "
        "shared, with exceptions for personal information.",
    ],
)
def test_staff_records_and_research_data_are_not_students_records(text):
    assert shown(text) == []


def test_a_colleges_enrolment_forms_and_passport_scans_are_not_the_school_census():
    """A college's enrolment form that holds a passport scan is its learners' record,
    not the school census asking for a pupil's nationality."""
    text = (
        "A supplier of student management software exposed enrolment forms and passport "
        "scans for learners at 14 colleges."
    )
    assert shown(text) == ["student-data"]


def test_learner_level_data_made_available_to_the_home_office_is_not_the_boycotts():
    """The boycott is about pupils' records; colleges' learner-level data asked of the
    Department for Education is student-data's, even on its way to the Home Office."""
    question = (
        "To ask the Secretary of State for Education, whether colleges must record the "
        "immigration status of learners, and whether that learner level data is made "
        "available to the Home Office."
    )
    assert shown(question) == ["student-data"]


# dev1730- to dev1760- (2 December, third session): learners' records in each source's
# own words.


@pytest.mark.parametrize(
    "text",
    [
        "Every young person who has studied since the age of 14 has an entry on a central "
        "register of their courses and qualifications.",
        "Private trainers can search a register holding the exam and course history of "
        "any young person who signs up.",
        "She was told that every enrolment is logged centrally and approved firms can look "
        "people up.",
        "The central log of her college results had it against the wrong awarding body.",
        "The matching of benefit claimants with enrolment records is described below.",
        "Employers will be able to view the previous courses of apprentices they take on.",
        "Colleges must return details of each adult learner's household to the funding agency.",
        "The admissions organisation sends marketing on behalf of paying clients to applicants.",
        "Who we share your loan account details with, and why.",
        "Police asked the admissions body for information about individual applicants.",
    ],
)
def test_learners_records_in_each_sources_own_words_are_student_data(text):
    assert shown(text) == ["student-data"]


@pytest.mark.parametrize(
    "text",
    [
        "The funding agency is advertising forty posts in the Learning Records Service team.",
        "Colleges should tell their teaching and support staff about the collection in their "
        "workforce privacy notice.",
        "A register of gas engineers lists every qualification each person holds.",
    ],
)
def test_jobs_staff_notices_and_trade_registers_are_not_student_data(text):
    assert shown(text) == []


# dev1810- to dev1840- (2 December, fourth session): what colleges and lenders keep and
# hand on, deletion, and guidance that tells colleges what not to share.


@pytest.mark.parametrize(
    "text",
    [
        "Colleges hold a lot about the sixteen-year-olds they teach, and nobody checks who "
        "those records are handed to.",
        "The college had given the firm a spreadsheet of its plumbing students.",
        "A college had sent the council her attendance history and a note on her health.",
        "When a provider closes, learners should be told who holds their records now.",
        "The company that runs student finance passed borrowers' names and old addresses to "
        "debt collectors.",
        "Graduates never agreed to their repayment histories and contact details being handed "
        "to debt buyers.",
        "Tutors must collect each learner's benefits status and send it to the funding agency.",
    ],
)
def test_what_colleges_and_lenders_keep_and_hand_on_is_student_data(text):
    assert shown(text) == ["student-data"]


def test_a_learner_asking_for_their_records_to_be_deleted_is_student_data():
    assert shown(
        "A former student asked the college to delete everything it held about her courses."
    ) == ["student-data"]


def test_no_plan_to_delete_pupils_records_is_not_student_data():
    # Kept where they are, and pupils' records in the National Pupil Database: the
    # school campaigns', whatever the answer calls the child.
    question = Context(
        "To ask the Secretary of State for Education, whether information in the National "
        "Pupil Database is deleted when a child leaves education.",
        "the question",
    )
    answer = "There are no plans to delete individual files when a learner leaves education."
    assert "student-data" not in shown(answer, question)


def test_the_bills_information_about_institutions_is_not_students_particulars():
    speech = (
        "The regulator and the research funder must be able to warn each other before a "
        "grant goes to a university in difficulty. This clause lets each pass information "
        "about institutions to the other. It does not touch individual staff or students."
    )
    context = Context(
        "Higher Education and Research Bill: Clause 63, information sharing between the "
        "regulator and the research funder",
        "the debate's heading",
    )
    assert shown(speech, context) == []


def test_guidance_telling_colleges_not_to_share_learners_lists_is_student_data():
    guide = (
        "Colleges must tell learners who their details may go to. Do not share lists of "
        "learners' personal information with recruitment firms for marketing."
    )
    assert shown(guide) == ["student-data"]


def test_a_college_saying_it_does_not_share_learners_information_is_a_denial():
    assert shown("We do not share learners' personal information with any company.") == []


# dev1850- to dev1880- (2 December, fourth session): the lender in other words, and
# students' records in guidance and features.


@pytest.mark.parametrize(
    "text",
    [
        "The government lender handed the personal details of former students to private "
        "tracing agencies.",
        "A debt collector had been given her home address and her loan balance.",
        "People who borrowed to pay for their studies may have their contact details sold to "
        "a debt collection firm.",
        "Colleges must share information with the council about the students they enrol.",
        "Nobody knows whether the provider's enrolment files will be handed on or sold.",
    ],
)
def test_the_lender_in_other_words_and_colleges_telling_councils_are_student_data(text):
    assert shown(text) == ["student-data"]


@pytest.mark.parametrize(
    "text",
    [
        # A statistic taken from the learner record, not the record.
        "We congratulate the college on its completion rate, as shown in the latest "
        "Individualised Learner Record statistics.",
        # The population census, answered by students in shared households.
        "Students living in shared households may be unable to answer honestly when filling "
        "in the census at a term-time address.",
        # Research funders' applicants and their data management plans.
        "Applicants must say in a data management plan how long research data will be kept.",
        # Clearing advice: a statement to hand is near, not handed over.
        "Have your grades and personal statement to hand when you phone the university.",
    ],
)
def test_statistics_shared_households_research_plans_and_clearing_are_not_student_data(text):
    assert shown(text) == []


# dev1890- to dev1920- (2 December, fourth session): breaches of learners' records, and
# what is not the campaigns: records not affected, passports as proof of address,
# teachers' own country of birth, a job advert, a Bill's data sharing set aside.


@pytest.mark.parametrize(
    "text",
    [
        "A fault let learners view other candidates' names, addresses and unit grades.",
        "Data relating to learners on its courses, including dates of birth, was taken.",
        "My college lost the enrolment forms and support notes of everyone on my course.",
        "A glitch allowed applicants to see other applicants' details and personal statements.",
    ],
)
def test_learners_records_exposed_taken_or_lost_are_student_data(text):
    assert shown(text) == ["student-data"]


@pytest.mark.parametrize(
    "text",
    [
        "Staff payroll data was stolen; the university said student records were not affected.",
        "The university found no evidence that any student records had been accessed.",
    ],
)
def test_a_breach_that_did_not_touch_students_records_is_not_student_data(text):
    assert shown(text) == []


@pytest.mark.parametrize(
    ("text", "not_tagged"),
    [
        (
            "The council asks parents applying for school places to show a passport to "
            "prove where they live.",
            "boycott-school-census",
        ),
        (
            "We do not record teachers' country of birth or nationality, so cannot say how "
            "many teachers in our schools trained abroad.",
            "boycott-school-census",
        ),
        (
            "Learning Records Service: we are looking for an experienced manager. Closing "
            "date: 1 May.",
            "student-data",
        ),
    ],
)
def test_proof_of_address_teachers_own_birthplace_and_a_job_advert(text, not_tagged):
    assert not_tagged not in shown(text)


def test_regulations_amended_most_recently_by_the_2016_instrument_cite_it_in_passing():
    note = (
        "The principal Regulations have been amended several times, most recently by "
        "S.I. 2016/808; this instrument does not alter that amendment."
    )
    (tag,) = tag_text(RULES, note, ["uksi/2016/808"])
    assert (tag.campaign, tag.status, tag.score) == ("boycott-school-census", "suggested", 0.4)


def test_a_minister_setting_the_bills_data_sharing_aside_is_not_student_data():
    speech = (
        "The noble Lord asked about the clause on information about students. That is "
        "not in this group, and the Minister will write to him. I return to the approval "
        "of technical qualifications."
    )
    heading = Context("Technical and Further Education Bill", "the debate's heading")
    assert shown(speech, heading) == []


# dev1930- to dev1960- (2 December, fourth session): who receives learners' records
# and the look-alikes of a network's firewall, file sharing and support.


@pytest.mark.parametrize(
    "text",
    [
        "The national survey of leavers relies on universities handing over personal mobile "
        "numbers and email addresses.",
        "The register holds details of anyone who has studied in England since 2007.",
        "We share contact and repayment information with HMRC and tracing agencies. Are "
        "borrowers told that their loan records may go to a debt collector?",
    ],
)
def test_universities_handing_over_the_register_and_loan_records_are_student_data(text):
    assert shown(text) == ["student-data"]


def test_a_careers_body_receiving_learners_information_is_still_the_tfe_bill():
    note = (
        "Information about a person undertaking further education may be disclosed to a "
        "local authority or a careers body under the Technical and Further Education Act."
    )
    assert shown(note) == ["student-data"]


@pytest.mark.parametrize(
    ("text", "not_tagged"),
    [
        (
            "Schools can buy broadband that includes filtering and firewall protection from "
            "the Department for Education's framework.",
            "boycott-school-census",
        ),
        (
            "The university said no student records were involved when the staff payroll "
            "spreadsheet was emailed to the wrong people.",
            "student-data",
        ),
        (
            "Students have written to me worried that sharing a file could land them in "
            "prison under the Digital Economy Bill.",
            "student-data",
        ),
        (
            "UCAS's structured questions will help students without access to support; the "
            "Secretary of State welcomed them.",
            "student-data",
        ),
        (
            "The Learning Records Service's running costs were 3 million pounds, with two "
            "posts being recruited.",
            "student-data",
        ),
    ],
)
def test_firewalls_payroll_file_sharing_support_and_running_costs_are_not_the_campaigns(
    text, not_tagged
):
    assert not_tagged not in shown(text)


# dev1970- to dev2000- (2 December, fourth session): deletion asked for by any
# participant, a speaker confining themselves to the data sharing, and look-alikes.


@pytest.mark.parametrize(
    "text",
    [
        "Can participants ask for their records to be deleted once the course ends?",
        "I shall confine myself to Part 5 of the Digital Economy Bill, whose gateways would "
        "let the records of students in colleges be shared across government.",
        "Applicants and apprentices hand over personal information to colleges; no "
        "student's record should be shared without notice.",
    ],
)
def test_deletion_a_speaker_confining_themselves_to_the_data_and_a_notice_call(text):
    assert shown(text) == ["student-data"]


@pytest.mark.parametrize(
    "text",
    [
        "Students' unions achieved record turnouts in this spring's elections.",
        "Employers of apprentices must check the right to work, using the share code the "
        "apprentice gives them, and keep a record of the check.",
    ],
)
def test_record_turnouts_and_right_to_work_checks_are_not_student_data(text):
    assert shown(text) == []


# dev2010- to dev2040- (2 December, fourth session): learners' records in indirect words.


@pytest.mark.parametrize(
    "text",
    [
        "The course provider logged whether each adult claimed benefits and sent it on to the "
        "funding agency in its termly return.",
        "The mobile numbers of apprentices on the vacancy service were made available to "
        "recruitment agencies.",
        "The Student Loans Company passed the overseas addresses of graduates to collection "
        "agencies.",
        "Apprentices' assessment results are uploaded by providers to an app their employer "
        "can read.",
        "What students tell counsellors in confidence could be passed to their parents.",
        "The dossier that travels with a young person after they leave college worries us.",
    ],
)
def test_learners_records_in_indirect_words_are_student_data(text):
    assert shown(text) == ["student-data"]


@pytest.mark.parametrize(
    ("text", "not_tagged"),
    [
        (
            "The census order says persons must provide the particulars of every student in "
            "their household.",
            "student-data",
        ),
        (
            "The Department for Education will not use the power to share learner data for "
            "immigration purposes.",
            "boycott-school-census",
        ),
    ],
)
def test_the_population_census_and_learner_data_are_not_these_campaigns(text, not_tagged):
    assert not_tagged not in shown(text)


# dev2050- to dev2080- (2 December, fourth session): records furnished, transferred or
# processed, brands reaching applicants; staff's nationality and money are not these.


@pytest.mark.parametrize(
    "text",
    [
        "Which bodies have been furnished with the particulars of persons in tertiary education?",
        "Any transfer of a student's academic record to a partner university overseas must "
        "meet data protection law.",
        "What controls are placed on companies that process learners' data for colleges?",
        "The admissions service's commercial arm lets brands reach applicants who ticked a box.",
    ],
)
def test_records_furnished_transferred_processed_or_marketed_are_student_data(text):
    assert shown(text) == ["student-data"]


@pytest.mark.parametrize(
    ("text", "not_tagged"),
    [
        (
            "Applicants must meet the nationality requirements for the civil service; you "
            "will answer colleges' and schools' queries around the school census.",
            "boycott-school-census",
        ),
        (
            "Schools must check the nationality and immigration status of all staff; records "
            "of each right to work check should be kept.",
            "boycott-school-census",
        ),
        (
            "Providers that rely on fees from students of one nationality are particularly "
            "exposed.",
            "student-data",
        ),
        (
            "The Department collects each college's staff individualised return, with salary "
            "bands.",
            "student-data",
        ),
        (
            "Research linking the National Pupil Database with police records on knife crime "
            "tells us that early intervention is why youth services matter.",
            "labels-last-a-lifetime",
        ),
    ],
)
def test_staff_nationality_money_staff_returns_and_research_are_not_these_campaigns(
    text, not_tagged
):
    assert not_tagged not in shown(text)


# dev2090- to dev2120- (2 December, fifth session): the minister a question is put to is
# not the data's source; a provider's track record and a statistic's record are not
# learners' records; people studying somewhere are learners.


def test_the_secretary_of_state_a_question_is_put_to_does_not_send_pupil_data():
    question = (
        "To ask the Secretary of State for Education, whether the funding regulator shares "
        "what it holds on individual overseas undergraduates with the Home Office."
    )
    assert "boycott-school-census" not in shown(question)
    assert "boycott-school-census" in shown(
        "The Department for Education shares pupils' home addresses with the Home Office."
    )


@pytest.mark.parametrize(
    ("text", "not_tagged"),
    [
        (
            "Higher Education and Research Bill: this amendment would stop providers with "
            "no track record from receiving powers to award degrees, protecting students.",
            "student-data",
        ),
        (
            "The agency's student record shows that the number of mature entrants to "
            "nursing degrees rose by a fifth.",
            "student-data",
        ),
    ],
)
def test_a_track_record_and_a_records_statistic_are_not_student_data(text, not_tagged):
    assert not_tagged not in shown(text)


def test_what_attackers_published_about_people_studying_there_is_student_data():
    assert shown(
        "After the ransomware attack on the university, criminals posted the passport "
        "scans and disability records of people studying there on a leak site."
    ) == ["student-data"]


def test_no_information_about_individual_apprentices_is_a_denial():
    answer = (
        "The tax authority gives the funding agency each employer's levy payments; no "
        "information about individual apprentices is shared."
    )
    assert "student-data" not in shown(answer)


# dev2130- to dev2160-: learners' attendance reported to the jobcentre, the lender's
# tracing agents, the register of learners; the children in need census, teachers
# retained and indicators calculated from records are not these campaigns.


@pytest.mark.parametrize(
    "text",
    [
        "The college reports each claimant's attendance on the skills course to their work "
        "coach at the jobcentre.",
        "If you go abroad without updating us, the Student Loans Company may send your last "
        "known address to tracing agents.",
        "How many people asked for a copy of their entry on the national register of learners?",
        "Students are rarely told what is collected about them or how long it is kept.",
    ],
)
def test_attendance_reported_tracing_agents_and_the_register_are_student_data(text):
    assert shown(text) == ["student-data"]


@pytest.mark.parametrize(
    ("text", "not_tagged"),
    [
        (
            "Claimants can now complete full-time college courses while receiving universal "
            "credit, the Department for Work and Pensions said.",
            "student-data",
        ),
        (
            "To ask the Secretary of State for Education, whether councils ask the nationality "
            "of children placed in foster care.",
            "boycott-school-census",
        ),
        (
            "The Department for Education's children in need census records the nationality "
            "of children referred to social care.",
            "boycott-school-census",
        ),
        (
            "What is the Department doing to recruit and retain teachers in pupil referral "
            "units, where many pupils have mental health needs?",
            "labels-last-a-lifetime",
        ),
        (
            "Continuation rates are calculated using data returned to the Individualised "
            "Learner Record.",
            "student-data",
        ),
    ],
)
def test_claimants_courses_a_questions_addressee_and_other_records_are_not_these(text, not_tagged):
    assert not_tagged not in shown(text)


# dev2170- to dev2200-: an answer that denies one thing and goes on to where learners'
# records go; releases, inspectors and colleges' accounts are not learners' records;
# the Home Office telling councils of children's school places goes the other way.


def test_an_answer_going_on_from_its_denial_to_where_the_records_go_is_student_data():
    answer = (
        "The Department does not collect student records directly from universities. "
        "Providers return a record for every student to the designated data body, which "
        "passes it to the regulator and may share it with researchers."
    )
    assert shown(answer) == ["student-data"]
    assert "student-data" not in shown(
        "The Department does not collect student records directly from universities. "
        "Numbers of students are published each year."
    )


@pytest.mark.parametrize(
    ("text", "not_tagged"),
    [
        (
            "Technical and Further Education Bill: the agency must be able to rely on the "
            "financial information it receives from colleges.",
            "student-data",
        ),
        (
            "This release uses the longitudinal education outcomes dataset, which links "
            "graduates' records with employment data.",
            "student-data",
        ),
        (
            "Inspectors review the provider's achievement data from the ILR before they visit.",
            "student-data",
        ),
        (
            "The Home Office will tell the receiving council when a family with children of "
            "school age is moved to its area, giving the address, so that the council can "
            "arrange admissions and school places.",
            "boycott-school-census",
        ),
        (
            "The number of pupils in alternative provision, drawn from the alternative "
            "provision census, is published each year, and pregnancy rates for under-18s "
            "come from the ONS.",
            "labels-last-a-lifetime",
        ),
    ],
)
def test_releases_inspectors_accounts_and_school_places_are_not_these(text, not_tagged):
    assert not_tagged not in shown(text)


# dev2210- to dev2240-: the Digital Economy Bill's data-sharing powers themselves, the
# 2016 instrument by its year with the census it changed, classmates' extension requests
# sent round; the Bill's public lending right and debt chapters are not student-data.


@pytest.mark.parametrize(
    ("text", "tagged"),
    [
        (
            "Was an impact assessment made before the 2016 amending Regulations added new "
            "items about each pupil to the termly return?",
            "boycott-school-census",
        ),
        (
            "The Constitution Committee says the Digital Economy Bill's data-sharing powers "
            "leave too much to codes of practice.",
            "student-data",
        ),
        (
            "A university emailed its law students a list of classmates' extension requests "
            "and the reasons given.",
            "student-data",
        ),
    ],
)
def test_the_bills_powers_the_2016_instrument_by_year_and_extension_requests(text, tagged):
    assert shown(text) == [tagged]


@pytest.mark.parametrize(
    "text",
    [
        "The Digital Economy Bill's data-sharing powers will let councils pursue council tax "
        "debt using other bodies' records.",
        "Digital Economy Bill: the public lending right will cover e-books, and libraries "
        "will report data on remote loans to borrowers.",
    ],
)
def test_the_bills_debt_chapter_and_public_lending_right_are_not_student_data(text):
    assert "student-data" not in shown(text)


# dev2250- to dev2280-: the AP census's settings and reasons in parents' and councils'
# words, betting firms looking learners up, students' traces and details in plain words;
# comparisons with the pupil data and the Home Office's data going to councils are not
# the boycott's.


@pytest.mark.parametrize(
    ("text", "tagged"),
    [
        (
            "Will a girl moved to a council unit because she was pregnant at fourteen still "
            "have that fact on a government file when she is forty?",
            "labels-last-a-lifetime",
        ),
        (
            "For each funded off-site placement the council must record the main reason, "
            "such as pregnancy or mental health, using one code.",
            "labels-last-a-lifetime",
        ),
        (
            "A screening company working for betting businesses could look up the ages and "
            "qualifications of young people through a government service meant for colleges.",
            "student-data",
        ),
        (
            "Software watches how often each student swipes into buildings and gives tutors "
            "a colour-coded warning about who may drop out.",
            "student-data",
        ),
        (
            "The apprentice's training provider sent her employer the notes from her "
            "support needs assessment, including her diagnosis.",
            "student-data",
        ),
        (
            "The admissions service has been letting phone companies send offers to "
            "applicants who ticked a box.",
            "student-data",
        ),
    ],
)
def test_settings_reasons_and_learners_details_in_everyday_words(text, tagged):
    assert shown(text) == [tagged]


@pytest.mark.parametrize(
    "text",
    [
        "Some witnesses compared this with the arrangement under which the Department for "
        "Education passed pupil addresses to the Home Office, but our inquiry was about "
        "patients.",
        "The data comes from the Home Office to councils, and children who start school "
        "will be in the school census in the usual way.",
    ],
)
def test_a_comparison_and_the_home_offices_data_to_councils_are_not_the_boycott(text):
    assert "boycott-school-census" not in shown(text)


# dev2290- to dev2320-: a pregnancy code for provision a council arranges, students'
# library use watched, learners never told how long a return is kept; asylum
# applications, Wales's PLASC and guidance on what good provision looks like are not
# these campaigns.


@pytest.mark.parametrize(
    ("text", "tagged"),
    [
        (
            "Pregnancy is one of the codes councils use when recording a pupil's placement in "
            "provision arranged by them.",
            "labels-last-a-lifetime",
        ),
        (
            "What guidance is there for universities that monitor students' library use and "
            "virtual learning activity to predict who will drop out?",
            "student-data",
        ),
        (
            "I have never seen a learner told where that information ends up or how long it "
            "is kept.",
            "student-data",
        ),
    ],
)
def test_a_code_for_arranged_provision_library_use_and_how_long_a_return_is_kept(text, tagged):
    assert shown(text) == [tagged]


@pytest.mark.parametrize(
    ("text", "not_tagged"),
    [
        (
            "When a child is transferred, the Home Office will share the child's asylum "
            "application details with the receiving council.",
            "student-data",
        ),
        (
            "The Pupil Level Annual School Census is the main source; we recommend the "
            "Government publish attainment data on learners by ethnic group and record "
            "proficiency consistently.",
            "student-data",
        ),
        (
            "The guidance explains what good alternative provision looks like, including "
            "clear objectives for each placement.",
            "labels-last-a-lifetime",
        ),
    ],
)
def test_asylum_applications_plasc_and_good_provision_are_not_these(text, not_tagged):
    assert not_tagged not in shown(text)


# dev2330- to dev2360-: the AP census guide's reason codes, the Part 5 regulations by
# chapter number, a lifelong number looked up, betting firms using a government list;
# a comparison "we saw that in", a statistic's share, loans sold at less than face value
# and the AP census's reasons going to the Home Office are not the other campaigns'.


@pytest.mark.parametrize(
    ("text", "tagged"),
    [
        (
            "Local authorities return a record for every child they place in alternative "
            "provision, with the primary reason for the placement chosen from codes including "
            "pregnancy, young offender, permanent exclusion and awaiting a school place.",
            ["labels-last-a-lifetime"],
        ),
        (
            "These Regulations are made under Chapter 1 of Part 5 of 2017 c. 30 and specify "
            "the persons who may disclose information to one another.",
            ["student-data"],
        ),
        (
            "Young people at college are given a lifelong number under which every grade they "
            "achieve is stored, and few know who can look them up.",
            ["student-data"],
        ),
        (
            "Betting websites were able to check people's ages using a government list of "
            "everyone's exam results.",
            ["student-data"],
        ),
        (
            "Will the Minister rule out handing the pupil information on the reasons children "
            "are placed in alternative provision to the Home Office?",
            ["labels-last-a-lifetime"],
        ),
    ],
)
def test_reason_codes_part_5_by_number_a_lifelong_number_and_a_government_list(text, tagged):
    assert shown(text) == tagged


@pytest.mark.parametrize(
    ("text", "not_tagged"),
    [
        (
            "Trust is low; we saw that in the row over nationality questions in the school "
            "census. But today's question is about social media companies.",
            "boycott-school-census",
        ),
        (
            "A record share of 18-year-olds applied by the January deadline, according to "
            "Ucas data.",
            "student-data",
        ),
        (
            "The Department sold a portfolio of pre-2012 student loans for less than their "
            "face value.",
            "student-data",
        ),
    ],
)
def test_a_comparison_a_statistics_share_and_a_loan_sale_are_not_these(text, not_tagged):
    assert not_tagged not in shown(text)


# dev2370- to dev2400-: the Home Office abbreviated, requests for information about
# individual pupils, apprentices' details on an unsecured server, a wellbeing dashboard
# built from log-ins; learner drivers and an academy trust's students are not learners.


@pytest.mark.parametrize(
    ("text", "tagged"),
    [
        (
            "How many requests has the HO made under the DfE-HO MoU for the last known address "
            "of a child held in the NPD?",
            "boycott-school-census",
        ),
        (
            "How many requests for information about individual pupils did the Department "
            "receive from the Home Office, and in how many cases was information provided?",
            "boycott-school-census",
        ),
        (
            "The names, dates of birth and National Insurance numbers of apprentices were left "
            "on an unsecured server by a training provider.",
            "student-data",
        ),
        (
            "My university scores every student on a wellbeing dashboard built from when we "
            "log in to the learning platform.",
            "student-data",
        ),
    ],
)
def test_the_ho_individual_pupils_an_unsecured_server_and_a_dashboard(text, tagged):
    assert shown(text) == [tagged]


@pytest.mark.parametrize(
    "text",
    [
        "The agency holds each learner driver's test booking history and results; learners' "
        "records may be shared with the police for the prevention of crime, the agency says.",
        "Names and special educational needs details of 200 students at the academy trust "
        "were emailed to the wrong parents.",
    ],
)
def test_learner_drivers_and_an_academy_trusts_students_are_not_student_data(text):
    assert "student-data" not in shown(text)


def test_a_text_is_tried_only_against_rules_whose_telling_words_it_has():
    """Tagging skips the rules a text cannot match (most of them, for most texts): a rule
    needs one telling word of each of its groups, so only rules listed under a telling
    word the text has are tried. Every rule that matches a speech of the benchmark's
    debates (written from the campaigns' own words) is on that shortlist, and a text
    with none of the rules' words has none."""
    speeches = [c.text for d in debates(300, 5, seed=3) for c in debate_document(d).contributions]
    matched = 0
    for speech in speeches:
        text = IndexedText(speech, RULES.vocabulary)
        for campaign in RULES.campaigns:
            possible = campaign.text_rules_possible(text.present)
            for position, rule in enumerate(campaign.rules):
                if rule.cites:
                    assert position not in possible
                elif next(hits(rule, text), None) is not None:
                    matched += 1
                    assert position in possible, (speech, rule.name)
    assert matched > 100
    unrelated = IndexedText("The weather was fine for the cricket.", RULES.vocabulary)
    assert not any(campaign.text_rules_possible(unrelated.present) for campaign in RULES.campaigns)
