import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, toCsv, safeFileName } from '../../../webview/shared/csv';

test('fields with commas, quotes and newlines are quoted', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('plain'), 'plain');
});

test('numbers, empty cells and negative numbers are written as is', () => {
  assert.equal(csvField(0.25), '0.25');
  assert.equal(csvField(null), '');
  assert.equal(csvField(undefined), '');
  assert.equal(csvField('-0.5'), '-0.5');
  assert.equal(csvField(Number.NaN), 'NaN');
});

test('spreadsheet formulas are neutralised', () => {
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField('@cmd'), "'@cmd");
});

test('toCsv joins rows with CRLF and ends with a newline', () => {
  assert.equal(toCsv(['run', 'loss'], [['a', 1], ['b', 2]]), 'run,loss\r\na,1\r\nb,2\r\n');
});

test('safeFileName strips directories and odd characters', () => {
  assert.equal(safeFileName('../../etc/passwd', '.csv'), 'etc-passwd.csv');
  assert.equal(safeFileName('run 2024-01-01T10:00', '.png'), 'run 2024-01-01T10-00.png');
  assert.equal(safeFileName('///', '.png'), 'export.png');
});
