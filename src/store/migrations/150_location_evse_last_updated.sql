-- An EVSE or connector change sets its EVSE row's last_updated, and a Location's last_updated as
-- partners read it is the newer of its own row's and its EVSEs' (objects.WHOLE_DATA). An EVSE
-- status change, most of what CPOs send, then writes its EVSE row and its event only: it no longer
-- rewrites the Location's row and three of its index entries as well. EVSEs written with their
-- Location (a PUT) leave the column empty: the Location's own last_updated, as its owner sent it,
-- covers them, and until now EVSE changes moved the Location's row, so existing rows start empty
-- too. Delta pulls (`date_from`) find Locations whose EVSEs changed through the index below.
ALTER TABLE location_evses ADD COLUMN last_updated timestamptz;
CREATE INDEX location_evses_by_update ON location_evses (last_updated);
