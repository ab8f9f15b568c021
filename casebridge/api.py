"""The REST API: one NinjaAPI, a router per domain app, OpenAPI at /api/openapi.json."""

from casebridge.accounts.api import router as accounts_router
from casebridge.assessments.api import router as assessments_router
from casebridge.caseloads.api import router as timeline_router
from casebridge.contacts.api import router as contacts_router
from casebridge.core.api import CasebridgeAPI, JsonParser, api_auth, install_error_handlers
from casebridge.crisis.api import router as crisis_router
from casebridge.directory.api import router as directory_router
from casebridge.enrollments.api import router as enrollments_router
from casebridge.intake.api import router as intake_router
from casebridge.people.api import router as people_router
from casebridge.plans.api import router as plans_router
from casebridge.referrals.api import router as referrals_router
from casebridge.tasks.api import router as tasks_router

api = CasebridgeAPI(
    title="Casebridge API",
    version="1",
    description="Case management for integrated / intensive case management agencies. "
    "Authenticate with `Authorization: Bearer <token>` (see `manage.py api_token_create`).",
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs",
    parser=JsonParser(),
)
install_error_handlers(api)
api.add_router("/programs", accounts_router)
api.add_router("/persons", people_router)
api.add_router("/enrollments", enrollments_router)
api.add_router("/referrals", intake_router)
api.add_router("/", assessments_router)
api.add_router("/", contacts_router)
api.add_router("/", tasks_router)
api.add_router("/", timeline_router)
api.add_router("/", plans_router)
api.add_router("/", crisis_router)
api.add_router("/directory", directory_router)
api.add_router("/", referrals_router)
