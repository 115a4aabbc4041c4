-- Incidents link to deployments anywhere in a service's history (section 6):
-- the store finds the incidents that point at a window's deployments by the
-- id or the commit they name, instead of reading every incident. Incidents
-- are few next to deployments, so these indexes cost ingestion little.
CREATE INDEX incidents_deployment ON incidents (squad_id, deployment_external_id);
CREATE INDEX incidents_commit ON incidents (squad_id, commit_sha);
-- The next success of a service after a window bounds which incidents can be
-- inferred onto the window; by service and finish it is one index step.
CREATE INDEX deployments_service ON deployments (service_id, finished_at);
