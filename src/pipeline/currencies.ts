/**
 * ISO 4217 currency codes in use (list one, active currencies plus the fund and precious-metal codes
 * vendors accept), so a typo such as "USS" or an invented code is refused instead of reaching an ad network.
 */
const CODES =
  "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD " +
  "CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS " +
  "GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT " +
  "LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD " +
  "OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC " +
  "SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU " +
  "XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ZWL";

export const ISO_4217: ReadonlySet<string> = new Set(CODES.split(" "));

/** The code in upper case when it is an ISO 4217 currency; undefined otherwise. */
export function isoCurrency(raw: unknown): string | undefined {
  if (typeof raw !== "string" || !/^[A-Za-z]{3}$/.test(raw)) return undefined;
  const c = raw.toUpperCase();
  return ISO_4217.has(c) ? c : undefined;
}
