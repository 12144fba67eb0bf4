import { describe, expect, it } from 'vitest';
import { safeCell, toCsv } from './export.ts';

describe('safeCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+31 6', "'+31 6"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['Bakı', 'Bakı'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('text %j becomes %j', (given, shown) => expect(safeCell(given)).toBe(shown));

  it('keeps numbers, negative ones too, and writes null as empty', () => {
    expect(safeCell(-3)).toBe(-3);
    expect(safeCell(0.5)).toBe(0.5);
    expect(safeCell(null)).toBe('');
  });

  it('writes CSV with a byte-order mark, CRLF lines and quotes where needed', () => {
    const csv = toCsv({ header: ['Section', 'Figure', 'Value'], rows: [{ section: 'Range', figure: 'Region', value: 'Şəki, "north"' }, { section: 'By hour', figure: '=x', value: 3 }] });
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.subarray(3).toString('utf8')).toBe('Section,Figure,Value\r\nRange,Region,"Şəki, ""north"""\r\nBy hour,\'=x,3\r\n');
  });
});
