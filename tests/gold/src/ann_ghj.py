# Hand annotation: 上海市普陀区规划和自然资源局 2024 年度部门决算 (PDF; page = PDF page from 1)
from gold import Doc

d = Doc("tests/data/real/final_accounts/上海市普陀区规划和自然资源局 2024 年度部门决算.pdf")
GB, F = "general_budget", "fiscal"

# p20
d.S("上海市普陀区规划和自然资源局2024 年度收入支出总计", page=20)
d.A("grand_total", "收入支出总计", 9859.38)
d.NEXT()
d.CH("grand_total", "收入支出总计", 1062.85)
d.GR("grand_total", "收入支出总计", 12.08)
d.NEXT()
d.CH("expenditure_project", "项目支出", 1133.95)
d.S("本年收入合计9746.50")
d.A("income_total", "本年收入合计", 9746.50)
d.A("income_fiscal", "财政拨款收入", 9746.50, scope=F)
d.SH("income_fiscal", "财政拨款收入", 100.00, "income_total", scope=F)
d.S("本年支出合计9759.38")
d.A("expenditure_total", "本年支出合计", 9759.38)
d.A("expenditure_basic", "基本支出", 5377.64)
d.SH("expenditure_basic", "基本支出", 55.10, "expenditure_total")
d.A("expenditure_project", "项目支出", 4381.74)
d.SH("expenditure_project", "项目支出", 44.90, "expenditure_total")
d.S("上海市普陀区规划和自然资源局2024 年度财政拨款收入支")
d.A("grand_total", "财政拨款收入支出总计", 9746.50, scope=F)
d.NEXT()
d.CH("grand_total", "财政拨款收入支出总计", 1193.20, scope=F)
d.GR("grand_total", "财政拨款收入支出总计", 13.95, scope=F)
d.NEXT()
d.CH("expenditure_project", "项目支出", 1133.95)

# p21
d.S("一般公共预算财政拨款支出9746.50 万元，占本年支出合计", page=21)
d.A("general_budget_expenditure", "一般公共预算财政拨款支出", 9746.50, scope=GB)
d.SH("general_budget_expenditure", "一般公共预算财政拨款支出", 99.86, "expenditure_total", scope=GB)
d.NEXT()
d.CH("general_budget_expenditure", "一般公共预算财政拨款支出", 1193.20, scope=GB)
d.GR("general_budget_expenditure", "一般公共预算财政拨款支出", 13.95, scope=GB)  # printed without %
d.NEXT()
d.CH("expenditure_project", "项目支出", 1133.95)
d.S("一般公共预算财政拨款支出9746.50 万元，主要用于以下方", "占4.73%。")
d.A("general_budget_expenditure", "一般公共预算财政拨款支出", 9746.50, scope=GB)
for code, lab, v, sh in [("208", "社会保障和就业支出（类）", 754.75, 7.74), ("210", "卫生健康支出（类）", 236.63, 2.43),
                         ("212", "城乡社区支出（类）", 3832.36, 39.32), ("220", "自然资源海洋气象等支出（类）", 4461.67, 45.78),
                         ("221", "住房保障支出（类）", 461.08, 4.73)]:
    d.A("func:" + code, lab, v, scope=GB)
    d.SH("func:" + code, lab, sh, "general_budget_expenditure", scope=GB)
d.S("一般公共预算财政拨款支出年初预算为10210.34")
d.A("general_budget_expenditure", "一般公共预算财政拨款支出年初预算", 10210.34, period="initial_budget", scope=GB)
d.A("general_budget_expenditure", "支出决算", 9746.50, scope=GB)
d.CP("general_budget_expenditure", "完成年初预算", 95.45, period="initial_budget", scope=GB)
d.NEXT()
d.CMP("general_budget_expenditure", "决算数小于预算数", "less", scope=GB)
d.c("completion", "project_spent", "项目支出规划服务较年初完成", 92, "%", "initial_budget", None, "project_budget_initial", None)

items = [(21, "年\n初预算为54.53", "2080501", "行政单位离退休（项）", 54.53, 54.53, 100.00, "equal"),
         (22, "年\n初预算为28.11", "2080502", "事业单位离退休（项）", 28.11, 28.11, 100.00, "equal"),
         (22, "年初预算为452.40", "2080505", "机关事业单位基本养老保险缴费支出（项）", 452.40, 446.11, 98.61, "less"),
         (22, "年初预算为226.25", "2080506", "机关事业单位职业年金缴费支出（项）", 226.25, 225.12, 99.50, "less"),
         (22, "年初预算为0.88", "2080599", "机关事业单位退休人员活动费支出（项）", 0.88, 0.88, 100.00, "equal"),
         (22, "年初预算为42.73", "2101101", "行政单位医疗（项）", 42.73, 40.35, 94.43, "less"),
         (23, "年初预算为196.40", "2101102", "事业单位医疗（项）", 196.40, 196.29, 99.94, "less"),
         (23, "年初预算为\n1115.48", "2120101", "城乡社区管理事务（款）行政运行（项）", 1115.48, 1092.80, 97.97, "less"),
         (23, "年初预算为3110.14", "2120201", "城乡社区规划与管理（项）", 3110.14, 2739.56, 88.08, "less"),
         (23, "年初预算为4477.33", "2200150", "自然资源事务（款）事业运行（项）", 4477.33, 4416.67, 98.65, "less"),
         (24, "年\n初预算为45.00", "2200199", "其他国土资源事务支出（项）", 45.00, 45.00, 100.00, "equal"),
         (24, "年初预算为\n289.59", "2210201", "住房公积金（项）", 289.59, 289.59, 100.00, "equal"),
         (24, "年初预算为171.49", "2210203", "购房补贴（项）", 171.49, 171.49, 100.00, "equal")]
for page, start, code, lab, ini, cur, cp, cmp in items:
    d.S(start, page=page)
    d.A("func:" + code, lab + "年初预算", ini, period="initial_budget", scope=GB)
    d.A("func:" + code, lab + "支出决算", cur, scope=GB)
    if code == "2080599":  # 完成年初预算的100.00% is its own sentence here
        d.NEXT()
    d.CP("func:" + code, "完成年初预算", cp, period="initial_budget", scope=GB)
    d.NEXT()
    d.CMP("func:" + code, "决算数同预算数持平" if cmp == "equal" else "决算数小于预算数", cmp, scope=GB)

# p24 基本支出
d.S("一般公共预算财政拨款基本支出5377.64", page=24)
d.A("expenditure_basic", "一般公共预算财政拨款基本支出", 5377.64, scope=GB)
d.NEXT()
d.A("expenditure_personnel", "人员经费", 4896.98, scope=GB)
d.A("expenditure_public", "公用经费", 480.66, scope=GB)

# p25-26 三公
d.S("“三公”经费财政拨款支出年初预算为2.85", page=25)
d.A("three_public_total", "“三公”经费财政拨款支出年初预算", 2.85, period="initial_budget", scope=F)
d.A("three_public_total", "支出决算", 0.39, scope=F)
d.CP("three_public_total", "完成预算", 13.68, scope=F)
d.A("three_public_abroad", "因公出国（境）费决算", 0.00, scope=F)
d.CP("three_public_abroad", "因公出国（境）费", 0.00, scope=F)
d.A("three_public_vehicle", "公务用车购置及运行维护费支出决算", 0.00, scope=F)
d.CP("three_public_vehicle", "公务用车购置及运行维护费", 0.00, scope=F)
d.A("three_public_reception", "公务接待费支出决算", 0.39, scope=F)
d.CP("three_public_reception", "公务接待费", 13.68, scope=F)
d.NEXT()
d.CMP("three_public_total", "“三公”经费支出决算数小于预算数", "less")
d.S("2024 年度“三公”经费财政拨款支出决算数比2023 年度减")
d.CH("three_public_total", "“三公”经费财政拨款支出决算数", -0.15, scope=F)
d.GR("three_public_total", "“三公”经费财政拨款支出决算数", -27.78, scope=F)  # printed 下降（增长）27.78%
d.FLAT("three_public_abroad", "因公出国（境）费支出与上一年度持平", scope=F)
d.FLAT("three_public_vehicle", "公务用车购置及运行维护费支出与上一年度持平", scope=F)
d.CH("three_public_reception", "公务接待费支出决算", -0.15, scope=F)
d.GR("three_public_reception", "公务接待费支出决算", -27.78, scope=F)
d.S("“三公”经费财政拨款支出决算中，因公出国（境）费支出")
for m, lab, v, sh in [("three_public_abroad", "因公出国（境）费支出决算", 0.00, 0.00),
                      ("three_public_vehicle", "公务用车购置及运行维护费支出决算", 0.00, 0.00),
                      ("three_public_reception", "公务接待费支出决算", 0.39, 100.00)]:
    d.A(m, lab, v, scope=F)
    d.SH(m, lab, sh, "three_public_total", scope=F)
d.S("1、因公出国（境）费支出0.00 万元。")
d.A("three_public_abroad", "因公出国（境）费支出", 0.00)
d.S("团组0 个、累计0 人次。", page=26)
d.N("abroad_groups", "因公出国（境）团组", 0, "个")
d.N("abroad_persons", "累计", 0, "人次")
d.S("2、公务用车购置及运行维护费支出0.00 万元。")
d.A("three_public_vehicle", "公务用车购置及运行维护费支出", 0.00)
d.S("公务用车购置支出为0.00 万元。")
d.A("three_public_vehicle_purchase", "公务用车购置支出", 0.00)
d.S("公务用车运行维护支出0.00 万元。")
d.A("three_public_vehicle_operation", "公务用车运行维护支出", 0.00)
d.S("2024 年，上海市普陀区规划与自然资源局所属各预算单位")
d.N("vehicles_held", "开支财政拨款的公务用车保有量", 0, "辆", scope=F)
d.S("3、公务接待费支出0.39 万元。")
d.A("three_public_reception", "公务接待费支出", 0.39)
d.S("国内公务接待支出0.39 万")
d.A("reception_domestic", "国内公务接待支出", 0.39)  # printed "0.39 万"
d.A("reception_foreign_affairs", "外宾接待支出", 0.00)
d.NEXT()
d.N("reception_domestic_batches", "公务接待", 2, "批次")
d.N("reception_domestic_persons", "公务接待", 26, "人次")
d.N("reception_foreign_affairs_batches", "接待外宾", 0, "批次")
d.N("reception_foreign_affairs_persons", "接待外宾", 0, "人次")
d.S("上海市普陀区规划与自然资源局2024 年度无政府性基金预")
d.A("income_gov_fund", "无政府性基金预算财政拨款收入", 0, unit=None)
d.A("gov_fund_expenditure", "无政府性基金预算财政拨款支出", 0, unit=None)
d.S("上海市普陀区规划与自然资源局2024 年度无国有资本经营")
d.A("income_state_capital", "无国有资本经营预算财政拨款收入", 0, unit=None)
d.A("state_capital_expenditure", "无国有资本经营预算财政拨款支出", 0, unit=None)

# p27 绩效, 机关运行经费, 政府采购
d.S("全\n过程绩效管理实施情况", page=27)
d.N("perf_projects_with_targets", "编报绩效目标的2024年度项目", 39, "个")
d.A("perf_projects_with_targets_budget", "涉及预算金额", 4415.48)
d.N("perf_projects_monitored", "绩效跟踪评价的2024年度项目", 39, "个")
d.A("perf_projects_monitored_budget", "涉及预算金额", 4415.48)
d.N("perf_projects_self_evaluated", "绩效自评的2024年度项目", 39, "个")
d.A("perf_projects_self_evaluated_budget", "涉及预算金额", 4415.48)
d.A("perf_avg_score", "平均得分", 99.33, unit="分")
d.N("perf_projects_excellent", "绩效评级为“优”的项目", 39, "个")
d.N("perf_projects_good", "绩效评级为“良”的项目", 0, "个")
d.N("perf_projects_pass", "绩效评级为“合格”的项目", 0, "个")
d.N("perf_projects_fail", "绩效评级为“不合格”的项目", 0, "个")
d.NEXT()
d.N("perf_issues_found", "绩效自评中共发现问题", 0, "个")
d.S("机关运行经费支出142.80 万元")
d.A("operating_expenses", "机关运行经费支出", 142.80)
d.CH("operating_expenses", "机关运行经费支出", -13.52)
d.GR("operating_expenses", "机关运行经费支出", -8.65)
d.S("上海市普陀区规划和自然资源局2024 年度政府采购金额")
d.A("procurement_total", "政府采购金额（以合同签订为准）", 2319.21)
d.A("procurement_goods", "货物采购金额", 122.43)
d.A("procurement_works", "工程采购金额", 1387.72)
d.A("procurement_services", "服务采购金额", 809.07)
d.S("2024 年度本部门面向中小企业预留政府采购项目预算金额")
d.A("procurement_sme_reserved_budget", "面向中小企业预留政府采购项目预算金额", 225.10)
d.A("procurement_micro_reserved_budget", "面向小微企业预留政府采购项目预算金额", 164.87)
d.S("在面向中小企业预留的政府采购项目中", page=28)
d.A("procurement_sme_reserved_awarded", "由中小企业供应商中标或成交的，采购金额", 225.10)
d.A("procurement_micro_reserved_awarded", "由小微企业供应商中标或成交的，采购金额", 164.87)
d.A("procurement_sme_other_awarded", "在其他政府采购项目中，由中小企业供应商中标或成交的，采购金额", 0.00)
d.S("截至2024 年12 月31 日")
d.N("vehicles_total", "共有车辆", 0, "辆")
for m, lab in [("vehicles_ministerial", "部级领导干部用车"), ("vehicles_principal", "主要领导干部用车"),
               ("vehicles_confidential", "机要通信用车"), ("vehicles_emergency", "应急保障用车"),
               ("vehicles_law_enforcement", "执法执勤用车"), ("vehicles_special_tech", "特种专业技术用车"),
               ("vehicles_retiree_service", "离退休干部用车"), ("vehicles_other", "其他用车")]:
    d.N(m, lab, 0, "辆")
d.S("单价100 万元")
d.N("equipment_large", "单价100万元（含）以上设备（不含车辆）", 0, "台（套）")
