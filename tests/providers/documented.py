"""Field names from the vendors' OpenAPI documents, copied here so the tests carry their own.

Phare: phare-incidents-openapi.yaml (GET/POST /uptime/incidents/{incidentId}/updates, GET
/uptime/incidents, components `meta` and `links`). Checkly: checkly-incidents-v1-openapi.yaml
(GET /v1/incidents/{id}: Model47, Model45) and checkly-incident-updates-v1-openapi.yaml / the
create page (IncidentUpdateV1CreateResponse; the 200 list's Model227; IncidentUpdateV1Response);
checkly-status-pages-v3-incidents-openapi.yaml and checkly-status-pages-v3-components-openapi.yaml.
"""

PHARE_PAGE = frozenset({"data", "meta", "links"})
PHARE_META = frozenset({"current_page", "from", "to", "per_page", "path"})
PHARE_LINKS = frozenset({"first", "last", "prev", "next"})
PHARE_UPDATE = frozenset(
    {"id", "state", "content", "published_at", "creator", "created_at", "updated_at"}
)
PHARE_CREATOR = frozenset({"id", "type", "label"})
PHARE_INCIDENT_FIELDS = frozenset(
    {
        "id",
        "project_id",
        "type",
        "slug",
        "impact",
        "state",
        "status",
        "title",
        "description",
        "exclude_from_downtime",
        "incident_at",
        "recovery_at",
        "monitors",
        "created_at",
        "updated_at",
    }
)
PHARE_INCIDENT_REQUIRED = frozenset({"impact", "title", "exclude_from_downtime"})

CHECKLY_INCIDENT_FIELDS = frozenset(
    {
        "name",
        "impact",
        "startedAt",
        "stoppedAt",
        "dashboardId",
        "id",
        "created_at",
        "updated_at",
        "incidentUpdates",
    }
)
CHECKLY_INCIDENT_REQUIRED = CHECKLY_INCIDENT_FIELDS - {"startedAt", "stoppedAt"}
CHECKLY_LISTED_UPDATE = frozenset({"status", "description", "id", "created_at", "updated_at"})
CHECKLY_CREATED_UPDATE = CHECKLY_LISTED_UPDATE | {"incidentId"}
CHECKLY_ERROR = frozenset({"statusCode", "error", "message"})
# Checkly status pages (v3): PublicStatusPageV3IncidentUpdate, PublicStatusPageV3.
CHECKLY_PAGE_UPDATE = frozenset(
    {"description", "status", "publicIncidentUpdateDate", "notifySubscribers", "id", "created_at"}
)
CHECKLY_STATUS_PAGE_FIELDS = frozenset(
    {
        "name",
        "description",
        "url",
        "customDomain",
        "themeColors",
        "logo",
        "logoDark",
        "redirectTo",
        "favicon",
        "defaultTheme",
        "privacyPolicyLink",
        "termsOfServiceLink",
        "footerText",
        "googleAnalyticsTag",
        "allowIndexing",
        "id",
        "accountId",
        "version",
        "created_at",
        "updated_at",
    }
)
CHECKLY_STATUS_PAGE_REQUIRED = frozenset(
    {"name", "url", "id", "accountId", "version", "created_at"}
)
# PublicStatusPageV3IncidentListItem, PublicStatusPageV3Incident (the item and its updates).
CHECKLY_PAGE_INCIDENT_ITEM = frozenset(
    {
        "id",
        "statusPageId",
        "name",
        "lastUpdateStatus",
        "duration",
        "componentImpacts",
        "created_at",
        "updated_at",
    }
)
CHECKLY_PAGE_INCIDENT_ITEM_REQUIRED = frozenset(
    {"id", "statusPageId", "name", "lastUpdateStatus", "created_at"}
)
CHECKLY_PAGE_INCIDENT_FIELDS = CHECKLY_PAGE_INCIDENT_ITEM | {"incidentUpdates"}
CHECKLY_COMPONENT_IMPACT = frozenset({"componentId", "status", "startedAt", "endedAt"})
# The v3 lists' page, and PublicStatusPageV3Component.
CHECKLY_V3_PAGE = frozenset({"length", "entries", "nextId"})
CHECKLY_COMPONENT = frozenset(
    {
        "type",
        "name",
        "description",
        "displayOrder",
        "hidden",
        "parentId",
        "id",
        "statusPageId",
        "created_at",
        "updated_at",
    }
)
