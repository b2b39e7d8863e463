"""What the documents for the person say: the English source text of the ``documents``
catalog (translations/<language>/LC_MESSAGES/documents.po).

Each document is a list of blocks; a block's text is a msgid with ``%(name)s`` placeholders
filled from the case and formatted for each language (dates, amounts, country and language
names). Plain words, short sentences: the person reads this in a second language or has it
read aloud by an interpreter, often in a crisis. Nothing here is a staff interface string:
those live in the ``messages`` catalog.

Extract with ``pybabel extract -F babel-documents.cfg -k dN_ ...`` (docs/translations.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field


def dN_(text: str) -> str:
    """Marks a msgid of the documents catalog; translated when the document is rendered."""
    return text


@dataclass(frozen=True)
class Block:
    #: "title", "h2", "p", "strong" (a sentence that must not be missed), "li", "field"
    #: (a label and a value), "check" (a box to tick), "sign" (a line to sign on).
    kind: str
    text: str
    #: Names of the values the text needs; the renderer refuses a block whose value is missing.
    needs: tuple[str, ...] = field(default=())


def _b(kind: str, text: str) -> Block:
    import re

    return Block(kind, text, tuple(re.findall(r"%\((\w+)\)s", text)))


# --- the heading every document carries ----------------------------------------------------

HEADER = [
    _b("org", dN_("Danish Centre against Human Trafficking (CMM)")),
    _b("field", dN_("Name: %(name)s")),
    _b("field", dN_("Case number: %(reference)s")),
]

FOOTER_GIVEN = _b("small", dN_("Given to %(name)s on %(today)s by %(staff)s."))
LANGUAGE_NOTE = _b("small", dN_("This document is in %(language)s and Danish. If the two "
                                "differ, ask us: we will explain."))

# --- (1) information on rights and procedures at first contact -----------------------------

RIGHTS = [
    _b("title", dN_("Information about your rights and what happens now")),
    _b("p", dN_("This paper tells you who we are, what will happen, and what your rights "
                "are. Keep it. Ask us if anything is unclear. You can have an interpreter "
                "at every meeting, free of charge.")),
    _b("h2", dN_("Who we are")),
    _b("p", dN_("The Danish Centre against Human Trafficking (CMM) is part of the National "
                "Board of Social Services. We help people who may have been trafficked: "
                "made to work, to sell sex, to commit crime or to do other things by someone "
                "who exploits them.")),
    _b("p", dN_("We work with organisations that help victims: AmiAmi, HopeNow, Reden "
                "International and the Danish Red Cross. We are not the police.")),
    _b("h2", dN_("The interview")),
    _b("p", dN_("We would like to talk with you about what has happened to you. This is "
                "called an identification interview. You decide what you want to tell. You "
                "can ask for a break or stop at any time.")),
    _b("p", dN_("An interpreter who speaks your language can take part. The interpreter "
                "must keep everything secret.")),
    _b("p", dN_("We write down what you tell us on a form called the 1a form. It is used to "
                "decide whether you are a victim of trafficking, so that you can get help.")),
    _b("h2", dN_("Confidentiality")),
    _b("p", dN_("What you tell us is confidential. We do not give your account to the "
                "police unless you agree in writing. You can say no, and you will still get "
                "our help.")),
    _b("strong", dN_("Help is never conditional on reporting to the police or testifying "
                     "in court.")),
    _b("h2", dN_("The decision on whether you are a victim")),
    _b("p", dN_("Who decides depends on your situation. If you do not have a right to stay "
                "in Denmark, or you have asked for asylum, the Danish Immigration Service "
                "decides. If you have a right to stay, CMM decides, except in some cases the "
                "police bring to the Immigration Service. If you are charged with a crime, "
                "the court decides. If you are detained, the decision is made within 72 "
                "hours.")),
    _b("p", dN_("You get the decision in writing, in your language.")),
    _b("h2", dN_("Reflection period and restitution period")),
    _b("p", dN_("If you are found to be a victim and do not have a right to stay in "
                "Denmark, you can get a reflection period: 30 days in which you do not have "
                "to leave Denmark. It can be extended, to at most 120 days in all.")),
    _b("p", dN_("If you have a right to stay in Denmark, CMM can give you a restitution "
                "period with the same support.")),
    _b("h2", dN_("Housing")),
    _b("p", dN_("During the period you are offered a safe place to live, for example a "
                "shelter. The place is chosen with your safety and your needs in mind.")),
    _b("h2", dN_("Health care")),
    _b("p", dN_("You can see a doctor, a dentist and a psychologist. It is free for you "
                "during the period.")),
    _b("h2", dN_("Legal advice")),
    _b("p", dN_("You can get free advice from a lawyer about your rights, about testifying "
                "and about compensation.")),
    _b("h2", dN_("Returning home")),
    _b("p", dN_("If you want to go home or must leave Denmark, you can get help to prepare "
                "your return: a plan for your life back home, and support for up to six "
                "months after you return.")),
    _b("h2", dN_("How to complain")),
    _b("p", dN_("If you are not satisfied with how we treat you, you can complain to CMM, "
                "in writing or by telling your contact person. A decision by the Danish "
                "Immigration Service tells you how to appeal against it.")),
    _b("h2", dN_("Your contact person")),
    _b("field", dN_("Contact person: %(contact_person)s")),
]

# --- (2) consent to share with the police, and to the processing of personal data ---------

CONSENT = [
    _b("title", dN_("Consent")),
    _b("h2", dN_("1. Sharing with the police")),
    _b("p", dN_("I agree that the Danish Centre against Human Trafficking (CMM) may give "
                "the police my 1a form (what I told in the interview) and the decision on "
                "whether I am a victim of trafficking.")),
    _b("p", dN_("The police may use this to investigate the crime. I do not have to agree. "
                "If I say no, I get the same help.")),
    _b("check", dN_("Yes, I agree")),
    _b("check", dN_("No, I do not agree")),
    _b("h2", dN_("2. My personal data")),
    _b("p", dN_("I agree that CMM and the organisations that help me for CMM record and use "
                "information about me, also about my health, to give me support, housing "
                "and help to return.")),
    _b("p", dN_("The information is kept safe. Only the people who work on my case can see "
                "it, and the police only if I agree above. I have the right to see what is "
                "recorded about me and to have mistakes corrected.")),
    _b("check", dN_("Yes, I agree")),
    _b("check", dN_("No, I do not agree")),
    _b("h2", dN_("Withdrawing consent")),
    _b("p", dN_("I can withdraw my consent at any time by telling my contact person. It "
                "applies from then on.")),
    _b("p", dN_("This document was read to me or by me in %(language)s, and I understood "
                "it.")),
    _b("sign", dN_("Signature")),
    _b("sign", dN_("Date")),
    _b("sign", dN_("Interpreter (name and signature)")),
    _b("sign", dN_("For CMM (name and signature)")),
]

# --- (3) the decision on victim status, and the period's end date --------------------------

DECISION_TITLE = _b("title", dN_("The decision on whether you are a victim of trafficking"))
DECISION_VICTIM = _b("strong", dN_("On %(decided_on)s %(authority)s decided that you are a "
                                   "victim of trafficking."))
DECISION_NOT_VICTIM = _b("strong", dN_("On %(decided_on)s %(authority)s decided that you "
                                       "are not considered a victim of trafficking."))
AUTHORITIES = {
    "cmm": dN_("the Danish Centre against Human Trafficking (CMM)"),
    "immigration_service": dN_("the Danish Immigration Service"),
    "court": dN_("the court"),
}
REFLECTION_PERIOD = [
    _b("h2", dN_("Your reflection period")),
    _b("p", dN_("You have a reflection period from %(starts_on)s. In this period you do "
                "not have to leave Denmark, and you are offered housing, health care and "
                "support.")),
    _b("strong", dN_("The period ends on %(ends_on)s.")),
    _b("p", dN_("The period can be extended if there are special reasons or if you work "
                "with us on preparing your return, to at most 120 days in all. Talk to your "
                "contact person well before the end date.")),
]
RESTITUTION_PERIOD = [
    _b("h2", dN_("Your restitution period")),
    _b("p", dN_("You have a restitution period from %(starts_on)s. In this period you are "
                "offered housing, health care and support.")),
    _b("strong", dN_("The period ends on %(ends_on)s.")),
    _b("p", dN_("Talk to your contact person well before the end date about what happens "
                "next.")),
]
PERIOD_ENDED = {
    "reflection": _b("strong", dN_("Your reflection period ended on %(ended_on)s.")),
    "restitution": _b("strong", dN_("Your restitution period ended on %(ended_on)s.")),
}
PERIOD_ENDED_NEXT = _b("p", dN_("Talk to your contact person about what happens now."))
NO_PERIOD_YET = _b("p", dN_("The period of support and its end date have not been decided "
                            "yet. You will get them in writing."))
NOT_VICTIM_NEXT = [
    _b("p", dN_("You can still ask CMM for advice. If you disagree with the decision, ask a "
                "lawyer or your contact person how to appeal.")),
]
DECISION_CLOSING = _b("field", dN_("Contact person: %(contact_person)s"))

# --- (4) the reintegration plan and budget -------------------------------------------------

PLAN = [
    _b("title", dN_("Your reintegration plan and budget")),
    _b("field", dN_("Country of return: %(country)s")),
    _b("field", dN_("Partner organisation: %(partner)s")),
    _b("p", dN_("This plan describes the help you get to start again in %(country)s. It was "
                "made with you before you leave Denmark. The final plan is made with "
                "%(partner)s after you arrive, and it is approved by the Danish Ministry of "
                "Immigration and Integration.")),
    _b("h2", dN_("What you plan to do")),
]
PLAN_DRAFT = _b("strong", dN_("Draft: this plan is not yet approved by the Danish Ministry "
                               "of Immigration and Integration. It may still change."))
PLAN_BUDGET = _b("h2", dN_("Budget"))
PLAN_TOTAL = dN_("Total")
BUDGET_CATEGORIES = {
    "housing": dN_("Housing (in kind)"),
    "business": dN_("Starting a business (in kind)"),
    "education": dN_("Education (in kind)"),
    "medicine": dN_("Medicine (in kind)"),
    "other": dN_("Other help (in kind)"),
    "pocket_money": dN_("Pocket money (cash)"),
    "health_extra": dN_("Extra health support"),
}
PLAN_NO_BUDGET = _b("p", dN_("No budget has been drawn up yet."))
PLAN_AFTER = [
    _b("p", dN_("Support in kind is paid for what the plan says; it is not paid to you in "
                "cash. Pocket money is paid to you in cash.")),
    _b("p", dN_("The support lasts up to six months after you return, longer if your "
                "situation needs it. During this time %(partner)s stays in contact with you "
                "and follows up on the plan.")),
    _b("strong", dN_("If your plans change or you feel unsafe, contact %(partner)s or your "
                     "contact person at once.")),
    _b("sign", dN_("Signature")),
    _b("sign", dN_("Date")),
]
PARTNER_NOT_CHOSEN = dN_("the partner organisation in your country")

# --- interview support: the 1a form's questions, for the interpreter -----------------------

INTERVIEW_TITLE = dN_("Questions of the identification interview (1a form)")
INTERVIEW_INTRO = dN_("You decide what you want to tell. You can ask for a break or stop at "
                      "any time. What you say is confidential.")
#: (1a section heading, questions): the same elements every interview documents.
INTERVIEW_QUESTIONS: list[tuple[str, list[str]]] = [
    (dN_("About you"), [
        dN_("What is your name? Have you used other names?"),
        dN_("How old are you? When were you born?"),
        dN_("Which languages do you speak?"),
        dN_("Where do you live now? Do you feel safe there?"),
    ]),
    (dN_("Your own account"), [
        dN_("Please tell us in your own words how you came to Denmark."),
        dN_("Who arranged your journey and your work here?"),
    ]),
    (dN_("How you were recruited and moved"), [
        dN_("Who offered you the work or the journey, and what did they promise?"),
        dN_("How did you travel? Who paid for the journey?"),
        dN_("Where have you lived? Who decided where you lived?"),
    ]),
    (dN_("How you were controlled"), [
        dN_("Was the work what you were told before you came?"),
        dN_("Has anyone threatened you or your family?"),
        dN_("Has anyone used violence against you?"),
        dN_("Could you leave when you wanted? Who kept your passport?"),
        dN_("Do you owe money to anyone? How much, and for what?"),
    ]),
    (dN_("What you had to do"), [
        dN_("What work did you do? How many hours a day?"),
        dN_("Were you paid? Who kept the money?"),
        dN_("Were you made to sell sex, to beg or to commit crime?"),
    ]),
    (dN_("Whether it is still going on"), [
        dN_("Are you still in contact with the people who brought you here?"),
        dN_("Are they still asking you to pay a debt?"),
        dN_("Are you or your family being threatened now?"),
    ]),
    (dN_("Consent"), [
        dN_("Do you agree that we give what you told us, and the decision, to the police? "
            "You can say no, and you will get the same help."),
    ]),
]

#: The documents, by the name used in URLs and in the signed-consent record.
DOCUMENT_KINDS = ("rights", "consent", "decision", "plan")
