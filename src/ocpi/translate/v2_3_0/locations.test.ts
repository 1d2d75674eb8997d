import { describe, expect, it } from 'vitest';
import * as v221 from '../../v2_2_1/index.js';
import type * as v230 from '../../v2_3_0/index.js';
import { compileValidator } from '../../validation.js';
import { fixtures, testContext } from '../test-support.js';
import { connectorFrom230, evseFrom230, locationFrom230, locationTo230 } from './locations.js';

const ctx = testContext();

describe('Locations 2.2.1 → 2.3.0', () => {
  it('is a copy: 2.3.0 only added to Locations', () => {
    const location = fixtures.location();
    const { value, losses } = locationTo230(location, ctx);
    expect(value).toEqual(location);
    expect(value).not.toBe(location);
    expect(losses).toEqual([]);
  });
});

describe('Locations 2.3.0 → 2.2.1', () => {
  it('report the 2.3.0 additions as dropped', () => {
    const evse: v230.Evse = {
      ...fixtures.evse(),
      parking: [{ parking_id: 'P1', evse_position: 'LEFT' }],
      accepted_service_providers: ['Example eMSP'],
      connectors: [{ ...fixtures.connector(), capabilities: ['ISO_15118_2_PLUG_AND_CHARGE'] }],
    };
    const location: v230.Location = {
      ...fixtures.location(),
      help_phone: '+3212345678',
      parking_places: [{ id: 'P1', vehicle_types: ['PERSONAL_VEHICLE'], restricted_to_type: false, reservation_required: false }],
      evses: [evse],
    };
    const { value, losses } = locationFrom230(location, ctx);
    expect(value).toEqual(fixtures.location());
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual([
      'dropped $.help_phone',
      'dropped $.parking_places',
      'dropped $.evses[0].parking',
      'dropped $.evses[0].accepted_service_providers',
      'dropped $.evses[0].connectors[0].capabilities',
    ]);
  });

  it('drop OpenEnum values 2.2.1 does not know, or fall back to OTHER where 2.2.1 has it', () => {
    const location: v230.Location = {
      ...fixtures.location(),
      parking_type: 'ROOFTOP',
      facilities: ['HOTEL', 'EV_LOUNGE'],
      images: [{ url: 'https://example.com/a.png', category: 'MAP', type: 'png' }],
      publish: false,
      publish_allowed_to: [{ uid: 'A', type: 'EMAID' }],
      energy_mix: { is_green_energy: true, environ_impact: [{ category: 'RADIOACTIVE', amount: 1 }] },
      evses: [{ ...fixtures.evse(), capabilities: ['RESERVABLE', 'V2G'], parking_restrictions: ['TAXIS', 'EV_ONLY'] }],
    };
    const { value, losses } = locationFrom230(location, ctx);
    expect(value).toMatchObject({
      facilities: ['HOTEL'],
      images: [{ category: 'OTHER' }],
      publish_allowed_to: [{ uid: 'A', type: 'OTHER' }],
      energy_mix: { is_green_energy: true, environ_impact: [] },
      evses: [{ capabilities: ['RESERVABLE'], parking_restrictions: ['EV_ONLY'] }],
    });
    expect(value).not.toHaveProperty('parking_type');
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual([
      'dropped $.parking_type',
      'approximated $.publish_allowed_to[0].type',
      'dropped $.evses[0].capabilities[1]',
      'dropped $.evses[0].parking_restrictions[0]',
      'dropped $.facilities[1]',
      'approximated $.images[0].category',
      'dropped $.energy_mix.environ_impact[0]',
    ]);
    expect(compileValidator(v221.LocationSchema)(value)).toMatchObject({ ok: true });
  });

  it('leave out connectors whose standard 2.2.1 lacks (MCS, SAE_J3400, custom), and EVSEs left without any', () => {
    const mcs: v230.Connector = { ...fixtures.connector({ id: '2' }), standard: 'MCS' };
    const evse = evseFrom230({ ...fixtures.evse(), connectors: [fixtures.connector(), mcs] }, ctx);
    expect(evse.value.connectors.map((connector) => connector.id)).toEqual(['1']);
    expect(evse.losses).toEqual([
      { path: '$.connectors[1]', kind: 'dropped', reason: 'connector left out: ConnectorType MCS does not exist in 2.2.1' },
    ]);

    const nacsOnly: v230.Evse = { ...fixtures.evse({ uid: 'E2' }), connectors: [{ ...fixtures.connector(), standard: 'SAE_J3400' }] };
    const location = locationFrom230({ ...fixtures.location(), evses: [nacsOnly] }, ctx);
    expect(location.value.evses).toEqual([]);
    expect(location.losses.map((loss) => loss.path)).toEqual(['$.evses[0].connectors[0]', '$.evses[0]']);

    const alone = connectorFrom230({ ...fixtures.connector(), standard: 'X_VENDOR_PLUG' }, ctx);
    expect(alone.value).not.toHaveProperty('standard');
    expect(alone.losses).toEqual([
      { path: '$.standard', kind: 'dropped', reason: 'ConnectorType X_VENDOR_PLUG does not exist in 2.2.1' },
    ]);
  });
});
