-- A person's relink is found from the window's deployments, as the
-- explicit links are by `incidents_deployment` (issue 17, point 7).
CREATE INDEX incidents_link_deployment ON incidents (squad_id, link_deployment);
