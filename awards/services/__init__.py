"""Every write of the award round, one module per part: rounds (phases, quotas, the reviews),
nominations (dossier, submit, withdraw), recommendations (the province's list), notice
(objections) and honours (the decision, certificates and their rendering)."""
