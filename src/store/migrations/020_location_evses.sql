-- A Location's EVSEs, one row each, so that an EVSE or connector change rewrites one EVSE and not
-- the whole Location (a Location may have thousands). The Location's own row keeps `evses: []`
-- as a marker that it has the field; readers put the rows back in `position` order.
CREATE TABLE location_evses (
  country_code  text NOT NULL,
  party_id      text NOT NULL,
  location_id   text NOT NULL,
  -- Upper-cased (CiString), as object ids are.
  evse_uid      text NOT NULL,
  position      integer NOT NULL,
  data          jsonb NOT NULL,
  PRIMARY KEY (country_code, party_id, location_id, evse_uid)
);
CREATE INDEX location_evses_order ON location_evses (country_code, party_id, location_id, position);

INSERT INTO location_evses (country_code, party_id, location_id, evse_uid, position, data)
SELECT o.country_code, o.party_id, o.object_id, upper(e.value->>'uid'), e.ordinality::integer, e.value
FROM objects o CROSS JOIN LATERAL jsonb_array_elements(o.data->'evses') WITH ORDINALITY AS e(value, ordinality)
WHERE o.module = 'locations' AND jsonb_typeof(o.data->'evses') = 'array' AND e.value->>'uid' IS NOT NULL
ON CONFLICT DO NOTHING;

UPDATE objects SET data = jsonb_set(data, '{evses}', '[]'::jsonb)
WHERE module = 'locations' AND jsonb_typeof(data->'evses') = 'array';

