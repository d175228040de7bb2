/**
 * Douyin names carriers by its own lower-case codes (`order.logisticsAdd` `company_code`), while
 * WMSs report the Cainiao/Qimen codes (SF, YTO, …). The common ones are translated here; a code
 * already in Douyin's form, or one not known here, is sent as it is (Douyin refuses an unknown one,
 * and the shipment notice stops with its words for a person to look at).
 */
const douyinCodes: Record<string, string> = {
  SF: 'shunfeng',
  YTO: 'yuantong',
  ZTO: 'zhongtong',
  STO: 'shentong',
  YUNDA: 'yunda',
  YD: 'yunda',
  EMS: 'ems',
  POSTB: 'youzhengguonei',
  JD: 'jd',
  JDL: 'jd',
  DBKD: 'debangkuaidi',
  DBL: 'debangwuliu',
  JTSD: 'jtexpress',
  JT: 'jtexpress',
  HTKY: 'huitongkuaidi',
  BEST: 'huitongkuaidi',
  ZJS: 'zhaijisong',
  UC: 'youshuwuliu',
  UCE: 'youshuwuliu',
};

export function douyinCarrierCode(code: string): string {
  return douyinCodes[code.trim().toUpperCase()] ?? code.trim();
}
