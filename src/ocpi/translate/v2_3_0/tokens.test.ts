import { describe, expect, it } from 'vitest';
import type * as v230 from '../../v2_3_0/index.js';
import { fixtures, testContext } from '../test-support.js';
import { startSessionFrom230 } from './commands.js';
import { tokenFrom230 } from './tokens.js';

const ctx = testContext();

describe('Tokens and commands 2.3.0 → 2.2.1', () => {
  it('map TokenType EMAID to OTHER, in a Token and in a StartSession', () => {
    const token: v230.Token = { ...fixtures.token(), type: 'EMAID' };
    expect(tokenFrom230(token, ctx)).toEqual({
      value: fixtures.token({ type: 'OTHER' }),
      losses: [{ path: '$.type', kind: 'approximated', reason: '2.2.1 TokenType has no EMAID; OTHER is used' }],
    });
    const command = startSessionFrom230({ response_url: 'https://e.example.com/r', token, location_id: 'LOC-1' }, ctx);
    expect(command.value.token.type).toBe('OTHER');
    expect(command.losses.map((loss) => loss.path)).toEqual(['$.token.type']);
  });
});
