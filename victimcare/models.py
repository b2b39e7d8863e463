"""Every model, imported once so the metadata is complete (Alembic, tests)."""

from victimcare.accounts.models import Organisation, User  # noqa: F401
from victimcare.audit.models import AuditEvent  # noqa: F401
from victimcare.cases.models import Case, CaseAssignment, Person  # noqa: F401
from victimcare.db import Base
from victimcare.documents.models import SignedConsent  # noqa: F401
from victimcare.housing.models import Facility, HousingPlacement  # noqa: F401
from victimcare.identification.models import (  # noqa: F401
    Interview,
    PoliceDisclosure,
    Referral,
    TraffickingAssessment,
)
from victimcare.returns.models import (  # noqa: F401
    BudgetLine,
    ExchangeRate,
    FollowUp,
    PreparedReturn,
    ReturnPartner,
    ReturnRate,
    SafetyAssessment,
)
from victimcare.support.models import PeriodExtension, SupportPeriod  # noqa: F401
from victimcare.workflow.models import (  # noqa: F401
    Alert,
    CaseEvent,
    ProcessVersion,
    TaskDraft,
    WorkflowInstance,
    WorkflowTask,
)

metadata = Base.metadata
