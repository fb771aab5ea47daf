import { describe, expect, it } from 'vitest';
import { SERVER_NODE_OPTIONS, serverNodeOptions } from '../../scripts/server-options';

describe('the production server’s Node options (npm start, npm run bench)', () => {
  it('adds the young-generation size to an empty NODE_OPTIONS', () => {
    expect(serverNodeOptions(undefined)).toBe('--max-semi-space-size=32');
    expect(serverNodeOptions('')).toBe(SERVER_NODE_OPTIONS.join(' '));
  });
  it('keeps the operator’s other options and adds ours after them', () => {
    expect(serverNodeOptions('--max-old-space-size=4096  --enable-source-maps')).toBe(
      '--max-old-space-size=4096 --enable-source-maps --max-semi-space-size=32',
    );
  });
  it('leaves an operator’s own young-generation size as it is', () => {
    expect(serverNodeOptions('--max-semi-space-size=64')).toBe('--max-semi-space-size=64');
  });
});
