-- Hub peering: a platform with role HUB is a neighbouring hub, and the parties it lists in its
-- hubclientinfo (or that the operator declares for it) are reached through it. Such a party is a
-- row of the neighbour's platform like any other; behind_hub says how the hub learned of it
-- (NULL: the platform declared the party in its own credentials).
ALTER TABLE parties ADD COLUMN behind_hub text CHECK (behind_hub IN ('CLIENT_INFO', 'OPERATOR'));
