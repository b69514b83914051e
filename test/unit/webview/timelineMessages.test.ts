// The timeline's messages: the map and gallery parsers accept the timeline requests and refuse
// malformed ones, and the step slider places events between the evaluations they happened after.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGalleryMessage, parseMapMessage } from '../../../webview/protocol';
import { framePosition } from '../../../webview/map/timelineSteps';

const errorOf = (parsed: { ok: boolean; error?: string }): string => (parsed.ok ? '' : parsed.error ?? '');

test('the map and gallery hosts accept timeline requests and say what is wrong with a bad one', () => {
  assert.ok(parseMapMessage({ type: 'requestTimeline' }).ok);
  assert.ok(parseGalleryMessage({ type: 'requestTimeline' }).ok);
  assert.ok(parseGalleryMessage({ type: 'timelineChange', index: 12, from: 9, to: 45, k: 10 }).ok);
  assert.match(errorOf(parseGalleryMessage({ type: 'timelineChange', index: 12, to: 45, k: 10 })), /timelineChange': field 'from' must be an integer/);
  assert.match(errorOf(parseGalleryMessage({ type: 'timelineChange', index: 12, from: 9, to: 45, k: 0 })), /field 'k' must be between 1 and 200, got 0/);
  assert.match(errorOf(parseGalleryMessage({ type: 'timelineChange', index: -1, from: 9, to: 45, k: 5 })), /field 'index' must be between 0/);
  assert.match(errorOf(parseMapMessage({ type: 'timelineChange', index: 1, from: 1, to: 2, k: 5 })), /unknown type "timelineChange"/);
});

test('slider marks: an event sits at its step between the evaluations, clamped to the ends', () => {
  const frames = [{ step: 10 }, { step: 20 }, { step: 40 }];
  assert.equal(framePosition(frames, 10), 0);
  assert.equal(framePosition(frames, 15), 0.5);
  assert.equal(framePosition(frames, 30), 1.5);
  assert.equal(framePosition(frames, 40), 2);
  assert.equal(framePosition(frames, 412), 2, 'a NaN after the last evaluation sits at the end');
  assert.equal(framePosition(frames, 3), 0);
  assert.equal(framePosition([], 5), 0);
});
