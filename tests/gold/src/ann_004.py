# Hand annotation: 襄垣县信访局 2023 年度单位决算 (text export, page 1)
from gold import Doc

d = Doc("tests/data/seeds/004_f64002770984a7bf.txt")
GB, F = "general_budget", "fiscal"

# 概况: staff
for start, v in [("(一)综合股(编制1名)", 1), ("(二)办案股(编制2名)", 2), ("(三)秩序股(编制2名)", 2)]:
    d.S(start)
    d.N("staff_authorized", "编制", v, "名")
d.S("县信访局机关行政编制6名。")
d.N("staff_authorized_admin", "机关行政编制", 6, "名")
d.S("设局长1名")
d.N("posts_leader", "局长", 1, "名")
d.N("posts_leader", "副局长", 1, "名")
d.N("posts_leader", "股级职数", 4, "名")
d.S("下设襄垣县信访服务中心,设主任1名")
d.N("posts_leader", "主任", 1, "名")
d.N("posts_leader", "副主任", 1, "名")
d.N("staff_authorized", "编制", 10, "名")

# 一、收入支出决算总体情况
d.S("2023年度收入总计233.67万元，支出总计233.67万元。")
d.A("grand_total_income", "收入总计", 233.67)
d.A("grand_total_expenditure", "支出总计", 233.67)
d.S("与上年相比，收入总计增加21.37万元")
d.CH("grand_total_income", "收入总计", 21.37)
d.GR("grand_total_income", "收入总计", 10.07)
d.CH("grand_total_expenditure", "支出总计", 21.37)
d.GR("grand_total_expenditure", "支出总计", 10.07)

# 二、收入
d.S("2023年度收入合计233.67万元，其中：")
d.A("income_total", "收入合计", 233.67)
for start, m, lab, v, sh in [("财政拨款收入233.67万元，占比100.00%；", "income_fiscal", "财政拨款收入", 233.67, 100.00),
                             ("上级补助收入0万元，占比0%；", "income_upper_subsidy", "上级补助收入", 0, 0),
                             ("事业收入0万元，占比0%；", "income_business", "事业收入", 0, 0),
                             ("经营收入0万元，占比0%；", "income_operating", "经营收入", 0, 0),
                             ("附属单位上缴收入0万元，占比0%；", "income_affiliated", "附属单位上缴收入", 0, 0),
                             ("其他收入0万元，占比0%。", "income_other", "其他收入", 0, 0)]:
    d.S(start)
    d.A(m, lab, v)
    d.SH(m, lab, sh, "income_total")

# 三、支出
d.S("2023年度支出合计233.67万元，其中：")
d.A("expenditure_total", "支出合计", 233.67)
for start, m, lab, v, sh in [("基本支出149.34万元，占比63.91%；", "expenditure_basic", "基本支出", 149.34, 63.91),
                             ("项目支出84.33万元，占比36.09%；", "expenditure_project", "项目支出", 84.33, 36.09),
                             ("上缴上级支出0万元，占比0%；", "expenditure_upper_remit", "上缴上级支出", 0, 0),
                             ("经营支出0万元，占比0%；", "expenditure_operating", "经营支出", 0, 0),
                             ("对附属单位补助支出0万元，占比0%。", "expenditure_affiliated_subsidy", "对附属单位补助支出", 0, 0)]:
    d.S(start)
    d.A(m, lab, v)
    d.SH(m, lab, sh, "expenditure_total")

# 四、财政拨款收支总体
d.S("2023年度财政拨款收入总计233.67万元")
d.A("grand_total_income", "财政拨款收入总计", 233.67, scope=F)
d.A("grand_total_expenditure", "支出总计", 233.67, scope=F)
d.S("与上年相比，财政拨款收入总计增加21.53万元")
d.CH("grand_total_income", "财政拨款收入总计", 21.53, scope=F)
d.GR("grand_total_income", "财政拨款收入总计", 10.15, scope=F)
d.CH("grand_total_expenditure", "财政拨款支出总计", 21.53, scope=F)
d.GR("grand_total_expenditure", "财政拨款支出总计", 10.15, scope=F)

# 五、一般公共预算财政拨款支出
d.S("2023年一般公共预算财政拨款决算支出233.67万元")
d.A("general_budget_expenditure", "一般公共预算财政拨款决算支出", 233.67, scope=GB)
d.SH("general_budget_expenditure", "一般公共预算财政拨款决算支出", 100.00, "expenditure_total", scope=GB)
d.S("与上年相比，一般公共预算财政拨款支出增加21.53万元")
d.CH("general_budget_expenditure", "一般公共预算财政拨款支出", 21.53, scope=GB)
d.GR("general_budget_expenditure", "一般公共预算财政拨款支出", 10.15, scope=GB)
d.S("2023年度一般公共预算财政拨款支出233.67万元，主要用于以下方面：")
d.A("general_budget_expenditure", "一般公共预算财政拨款支出", 233.67, scope=GB)
for start, code, lab, v, sh in [("一般公共服务支出(类)188.00万元", "201", "一般公共服务支出(类)", 188.00, 80.46),
                                ("社会保障和就业支出(类)28.00万元", "208", "社会保障和就业支出(类)", 28.00, 11.98),
                                ("卫生健康支出(类)5.62万元", "210", "卫生健康支出(类)", 5.62, 2.41),
                                ("住房保障支出(类)12.05万元", "221", "住房保障支出(类)", 12.05, 5.16)]:
    d.S(start)
    d.A("func:" + code, lab, v, scope=GB)
    d.SH("func:" + code, lab, sh, "general_budget_expenditure", scope=GB)
d.S("2023年度一般公共预算财政拨款支出年初预算245.35万元")
d.A("general_budget_expenditure", "一般公共预算财政拨款支出年初预算", 245.35, period="initial_budget", scope=GB)
d.A("general_budget_expenditure", "支出决算", 233.67, scope=GB)
d.CP("general_budget_expenditure", "完成年初预算", 95.24, period="initial_budget", scope=GB)
d.S("一般公共服务支出年初预算198.32万元")
for code, lab, ini, cur, cp, ch, gr in [("201", "一般公共服务支出", 198.32, 188, 94.80, 10.36, 5.83),
                                        ("208", "社会保障和就业支出", 27.31, 28, 102.53, 10.42, 59.27)]:
    d.A("func:" + code, lab + "年初预算", ini, period="initial_budget", scope=GB)
    d.A("func:" + code, "支出决算", cur, scope=GB)
    d.CP("func:" + code, "完成年初预算数", cp, period="initial_budget", scope=GB)
    d.CH("func:" + code, "较2022年决算", ch, scope=GB)
    d.GR("func:" + code, "较2022年决算", gr, scope=GB)
d.A("func:20807", "就业补助支出年初预算", 0, period="initial_budget", scope=GB)
d.A("func:20807", "支出决算", 0.96, scope=GB)
d.A("func:210", "卫生健康支出年初预算", 7.36, period="initial_budget", scope=GB)
d.A("func:210", "支出决算", 5.62, scope=GB)
d.CP("func:210", "完成年初预算数", 76.36, period="initial_budget", scope=GB)
d.FLAT("func:210", "较2022年决算无变化", scope=GB)
d.A("func:221", "住房保障支出年初预算", 12.63, period="initial_budget", scope=GB)
d.A("func:221", "支出决算", 12.05, scope=GB)
d.CP("func:221", "完成年初预算数", 95.41, period="initial_budget", scope=GB)
d.CH("func:221", "较2022年决算", 2.19, scope=GB)
d.GR("func:221", "较2022年决算", 23.65, scope=GB)

# 六、基本支出
d.S("2023年度财政拨款基本支出149.34万元，其中：")
d.A("expenditure_basic", "财政拨款基本支出", 149.34, scope=F)
d.S("人员经费136.15万元")
d.A("expenditure_personnel", "人员经费", 136.15, scope=F)
for code, lab, v in [("30101", "基本工资", 44.15), ("30102", "津贴补贴", 19.48), ("30103", "奖金", 10.16),
                     ("30107", "绩效工资", 22.41), ("30108", "机关事业单位基本养老保险缴费", 13.08),
                     ("30109", "职业年金缴费", 5.70), ("30110", "职工基本医疗保险缴费", 5.31),
                     ("30112", "其他社会保障缴费", 0.23), ("30113", "住房公积金", 12.05),
                     ("30199", "其他工资福利支出", 2), ("30302", "退休费", 1.58)]:
    d.A("econ:" + code, lab, v, scope=F)
d.S("公用经费13.19万元")
d.A("expenditure_public", "公用经费", 13.19, scope=F)
for code, lab, v, u in [("30201", "办公费", 1.59, "万元"), ("30202", "印刷费", 1.6, "万元"), ("30207", "邮电费", 0.25, "元"),
                        ("30211", "差旅费", 0.12, "万元"), ("30213", "维修（护）费", 1.4, "万元"),
                        ("30214", "租赁费", 0.48, "万元"), ("30216", "培训费", 0.02, "万元"),
                        ("30228", "工会经费", 1.5, "万元"), ("30229", "福利费", 0.87, "万元"),
                        ("30239", "其他交通费用", 3.66, "万元"), ("30299", "其他商品和服务支出", 1.70, "万元")]:
    d.A("econ:" + code, lab, v, unit=u, scope=F)

# 七、八 (无此项支出)
d.S("本年度无此项支出。")
d.A("gov_fund_expenditure", "政府性基金预算财政拨款支出（无此项支出）", 0, unit=None)
d.S("本年度无此项支出。", nth=1)
d.A("state_capital_expenditure", "国有资本经营预算财政拨款支出（无此项支出）", 0, unit=None)

# 九、三公
d.S("2023年度“三公”经费财政拨款支出全年预算0万元", "与上年“三公”经费财政拨款支出决算相同。")
d.A("three_public_total", "“三公”经费财政拨款支出全年预算", 0, period="adjusted_budget", scope=F)
d.A("three_public_total", "支出决算", 0, scope=F)
d.CP("three_public_total", "完成全年预算", 0, period="adjusted_budget", scope=F)
d.FLAT("three_public_total", "与上年“三公”经费财政拨款支出决算相同", scope=F)
for start, m, lab in [("因公出国（境）费支出0万元，完成全年预算的0%", "three_public_abroad", "因公出国（境）费"),
                      ("公务用车购置费支出0万元，完成全年预算的0%", "three_public_vehicle_purchase", "公务用车购置费"),
                      ("公务用车运行维护费支出0万元，完成全年预算的0%", "three_public_vehicle_operation", "公务用车运行维护费"),
                      ("公务接待费支出0万元，完成全年预算的0%", "three_public_reception", "公务接待费")]:
    d.S(start)
    d.A(m, lab + "支出", 0, scope=F)
    d.CP(m, lab, 0, period="adjusted_budget", scope=F)
    d.FLAT(m, lab, scope=F)
    d.A(m, "本单位无" + lab + "支出", 0, unit=None, scope=F)
d.S("1、因公出国（境）费支出0万元，出国团组共0个，0人次。")
d.A("three_public_abroad", "因公出国（境）费支出", 0)
d.N("abroad_groups", "出国团组", 0, "个")
d.N("abroad_persons", "出国团组", 0, "人次")
d.S("主要用于：本单位无因公出国（境）费支出。")
d.A("three_public_abroad", "本单位无因公出国（境）费支出", 0, unit=None)
d.S("2、公务用车购置支出0万元")
d.A("three_public_vehicle_purchase", "公务用车购置支出", 0)
d.N("vehicles_purchased", "使用财政拨款共购置公务用车", 0, "辆", scope=F)
d.A("three_public_vehicle_purchase", "本单位无公务用车购置费支出", 0, unit=None)
d.S("3、公务用车运行维护费支出0万元")
d.A("three_public_vehicle_operation", "公务用车运行维护费支出", 0)
d.N("vehicles_held", "使用财政拨款负担的公务用车保有量", 0, "辆", scope=F)
d.A("three_public_vehicle_operation", "本单位无公务用车运行维护费支出", 0, unit=None)
d.S("4、公务接待费支出0万元，共接待0批次，0人次。")
d.A("three_public_reception", "公务接待费支出", 0)
d.N("reception_batches", "共接待", 0, "批次")
d.N("reception_persons", "共接待", 0, "人次")
d.S("国内接待费0万元")
d.A("reception_domestic", "国内接待费", 0)
d.N("reception_domestic_batches", "共接待", 0, "批次")
d.N("reception_domestic_persons", "共接待", 0, "人次")
d.A("reception_foreign_affairs", "外事接待费", 0)
d.N("reception_foreign_affairs_batches", "共接待", 0, "批次")
d.N("reception_foreign_affairs_persons", "共接待", 0, "人次")
d.A("three_public_reception", "本单位无公务接待费支出", 0, unit=None)
d.A("reception_foreign", "国（境）外接待费", 0)
d.N("reception_foreign_batches", "共接待国（境）外", 0, "批次")
d.N("reception_foreign_persons", "共接待国（境）外", 0, "人次")
d.A("reception_foreign", "本单位无国（境）外接待费支出", 0, unit=None)

# 十、其他重要事项
d.S("2023年机关运行经费支出13.19万元")
d.A("operating_expenses", "机关运行经费支出", 13.19)
d.CH("operating_expenses", "机关运行经费支出", -0.64)
d.GR("operating_expenses", "机关运行经费支出", -4.63)
d.S("2023年度政府采购支出总额18.11万元")
d.A("procurement_total", "政府采购支出总额", 18.11)
d.A("procurement_goods", "政府采购货物支出", 15.88)
d.A("procurement_works", "政府采购工程支出", 0)
d.A("procurement_services", "政府采购服务支出", 2.23)
d.S("政府采购授予中小企业合同金额18.11万元")
d.A("procurement_sme", "政府采购授予中小企业合同金额", 18.11)
d.SH("procurement_sme", "政府采购授予中小企业合同金额", 100.00, "procurement_total")
d.S("其中：授予小微企业合同金额18.11万元")
d.A("procurement_micro", "授予小微企业合同金额", 18.11)
d.SH("procurement_micro", "授予小微企业合同金额", 100.00, "procurement_total")
d.S("截至2023年12月31日，本部门（单位）共有车辆1辆。")
d.N("vehicles_total", "共有车辆", 1, "辆")
d.S("其中：副部（省）级及以上领导用车0辆", "0台(套)。")
for m, lab, v in [("vehicles_ministerial", "副部（省）级及以上领导用车", 0), ("vehicles_principal", "主要负责人用车", 0),
                  ("vehicles_confidential", "机要通信用车", 0), ("vehicles_emergency", "应急保障用车", 0),
                  ("vehicles_law_enforcement", "执法执勤用车", 0), ("vehicles_special_tech", "特种专业技术用车", 0),
                  ("vehicles_retiree_service", "离退休干部服务用车", 0), ("vehicles_other", "其他用车", 1)]:
    d.N(m, lab, v, "辆")
d.N("equipment_large", "单价100万元(含)以上设备(不含车辆)", 0, "台(套)")
d.S("2023年二级项目绩效自评个数7个")
d.N("perf_projects_self_evaluated", "二级项目绩效自评个数", 7, "个")
d.A("perf_projects_self_evaluated_budget", "涉及资金", 75.27)
d.N("perf_projects_excellent", "自评等级为“优”", 7, "个")
d.N("perf_projects_good", "自评等级为“良”", 0, "个")
d.N("perf_projects_pass", "自评等级为“中”", 0, "个")
d.N("perf_projects_fail", "自评等级为“差”", 0, "个")
