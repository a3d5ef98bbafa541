"""Grafana's unit ids (packages/grafana-data/src/valueFormats/categories.ts), for the panel-unit check.

Besides these ids Grafana accepts the custom forms `suffix:<s>`, `prefix:<s>`, `time:<format>`,
`si:<s>`, `count:<s>` and `currency:<s>`.
"""

UNITS = frozenset("""
none short percent percentunit humidity dB hex0x hex sci locale pixel
string bool bool_yes_no bool_on_off
accG accMS2 accFS2
degree radian grad arcmin arcsec
areaM2 areaF2 areaMI2 acres hectares
flops mflops gflops tflops pflops eflops zflops yflops
ppm conppb conngm3 conngNm3 conμgm3 conμgNm3 conmgm3 conmgNm3 congm3 congNm3 conmgdL conmmolL
amp mamp kamp volt mvolt kvolt dBm mohm ohm kohm Mohm farad µfarad nfarad pfarad ffarad henry mhenry µhenry
lumens
watt kwatt megwatt gwatt mwatt Wm2 voltamp kvoltamp voltampreact kvoltampreact watth kwatth kwattm amph kamph
mamph joule ev
m3 litre mlitre dm3 cm3 mm3 gallons
kgm3 kgm3
flowgpm flowcms flowcfs flowcfm litreh flowlpm flowmlpm lux
forceNm forcekNm forceN forcekN
hashh khashh Mhashh Ghashh Thashh Phashh Ehashh
massmg massg masslb masskg masst
lengthmm lengthin lengthft lengthm lengthkm lengthmi
Pa bar mbar kbar pressurekpa pressurehpa pressurehg pressurepsi
velocityms velocitykmh velocitymph velocityknot
celsius fahrenheit kelvin
hertz rothz rotrpm rotrads rotdegs
ns µs ms s m h d dtdurationms dtdurations dtdhms dtdhmsms timeticks clockms clocks
dateTimeAsIso dateTimeAsIsoNoDateIfToday dateTimeAsUS dateTimeAsUSNoDateIfToday dateTimeAsLocal
dateTimeAsLocalNoDateIfToday dateTimeAsSystem dateTimeFromNow
bits bytes kbytes mbytes gbytes tbytes pbytes
decbits decbytes deckbytes decmbytes decgbytes dectbytes decpbytes
bps Bps Kbits KBs Mbits MBs Gbits GBs Tbits TBs Pbits PBs
binbps binBps
decbps decBps
pps
cps ops reqps rps wps iops eps mps recps rpm opm rqpm wpm cpm epm mpm recpm
currencyUSD currencyGBP currencyEUR currencyJPY currencyRUB currencyUAH currencyBRL currencyDKK currencyISK
currencyNOK currencySEK currencyCZK currencyCHF currencyPLN currencyBTC currencymBTC currencyμBTC currencyZAR
currencyINR currencyKRW currencyIDR currencyPHP currencyVND currencyTRY currencyMYR currencyXPF currencyBGN
currencyPYG currencyUYU currencyILS
""".split())

CUSTOM_PREFIXES = ("suffix:", "prefix:", "time:", "si:", "count:", "currency:")


def is_unit(unit: str) -> bool:
    return unit in UNITS or any(unit.startswith(p) and len(unit) > len(p) for p in CUSTOM_PREFIXES)
