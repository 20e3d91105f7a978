# Hand annotation: 上海市普陀区财政局 2024 年度部门决算 (PDF; page = PDF page from 1)
from gold import Doc

d = Doc("tests/data/real/final_accounts/上海市普陀区财政局2024年度部门决算.pdf")
GB, F = "general_budget", "fiscal"

# p21 情况说明
d.S("上海市普陀区财政局2024年度收入支出总计2995.39万元。", page=21)
d.A("grand_total", "收入支出总计", 2995.39)
d.S("与2023年度相比，收入")
d.CH("grand_total", "收入支出总计", -56.95)
d.GR("grand_total", "收入支出总计", -1.87)
d.S("本年收入合计2946.25万元", "占0.21%；")
d.A("income_total", "本年收入合计", 2946.25)
d.A("income_fiscal", "财政拨款收入", 2940.05, scope=F)
d.SH("income_fiscal", "财政拨款收入", 99.79, "income_total", scope=F)
d.A("income_other", "其他收入", 6.2)
d.SH("income_other", "其他收入", 0.21, "income_total")
d.S("本年支出合计2940.05万元", "占20.51%；")
d.A("expenditure_total", "本年支出合计", 2940.05)
d.A("expenditure_basic", "基本支出", 2336.91)
d.SH("expenditure_basic", "基本支出", 79.49, "expenditure_total")
d.A("expenditure_project", "项目支出", 603.14)
d.SH("expenditure_project", "项目支出", 20.51, "expenditure_total")
d.S("上海市普陀区财政局2024年度财政拨款收入支出总计0.3万元。")
d.A("grand_total", "财政拨款收入支出总计", 0.3, scope=F)
d.S("与2023年度相比，\n财政拨款收入支出总计持平。")
d.FLAT("grand_total", "财政拨款收入支出总计持平", scope=F)
d.S("一般公共预算财政拨款支出2940.05万元，占本年支出合计的100.00%。")
d.A("general_budget_expenditure", "一般公共预算财政拨款支出", 2940.05, scope=GB)
d.SH("general_budget_expenditure", "一般公共预算财政拨款支出", 100.00, "expenditure_total", scope=GB)
d.S("与2023年\n度相比，一般公共预算财政拨款支出减少63.14万元")
d.CH("general_budget_expenditure", "一般公共预算财政拨款支出", -63.14, scope=GB)
d.GR("general_budget_expenditure", "一般公共预算财政拨款支出", -2.10, scope=GB)
d.S("一般公共预算财政拨款支出2940.05万元，主要用于以下方面", "15.16%；")
d.A("general_budget_expenditure", "一般公共预算财政拨款支出", 2940.05, scope=GB)
for code, lab, v, sh in [("201", "一般公共服务支出（类）", 2106.66, 71.73), ("208", "社会保障和就业支出（类）", 326.72, 11.11),
                         ("210", "卫生健康支出（类）", 60.99, 2.07), ("221", "住房保障支出（类）", 445.69, 15.16)]:
    d.A("func:" + code, lab, v, scope=GB)
    d.SH("func:" + code, lab, sh, "general_budget_expenditure", scope=GB)
d.S("一般公共预算财政拨款支出年初预算为2993.92万元")
d.A("general_budget_expenditure", "一般公共预算财政拨款支出年初预算", 2993.92, period="initial_budget", scope=GB)
d.A("general_budget_expenditure", "支出决算", 2940.05, scope=GB)
d.CP("general_budget_expenditure", "完成年初预算", 98.20, period="initial_budget", scope=GB)
d.NEXT()  # 决算数小于预算数的主要原因：…
d.CMP("general_budget_expenditure", "决算数小于预算数", "less", scope=GB)

# p22 具体情况 (items of the 一般公共预算财政拨款支出 enumeration)
items = [("年初预算为1560.05", "2010601", "财政事务（款）行政运行（项）", 1560.05, 1511.89, "less"),
         ("年初预算为10.00", "2010602", "一般行政管理事务（项）", 10.00, 10.00, "equal"),
         ("年初预算为135.90", "2010607", "信息化建设（项）", 135.90, 135.25, "less"),
         ("年初预算为450.52", "2010608", "财政委托业务支出（项）", 450.52, 449.52, "less"),
         ("年初预算为85.55", "2080501", "行政单位离退休（项）", 85.55, 84.65, "less"),
         ("年初预算为\n161.62", "2080505", "机关事业单位基本养老保险缴费支出（项）", 161.62, 160.75, "less"),
         ("年初预算为80.81", "2080506", "机关事业单位职业年金缴费支出（项）", 80.81, 80.38, "less"),
         ("年初预算为0.94", "2080599", "其他行政事业单位养老支出（项）", 0.94, 0.94, "equal"),
         ("年初预算为62.29", "2101101", "行政单位医疗（项）", 62.29, 60.99, "less"),
         ("年初预算为187.75", "2210201", "住房公积金（项）", 187.75, 187.19, "less"),
         ("年初预算为258.50", "2210203", "购房补贴（项）", 258.50, 258.50, "equal")]
d.page = 22
for start, code, lab, ini, cur, cmp in items:
    d.S(start)
    d.A("func:" + code, lab + "年初预算", ini, period="initial_budget", scope=GB)
    d.A("func:" + code, lab + "支出决算", cur, scope=GB)
    d.NEXT()
    d.CMP("func:" + code, "决算数小于预算数" if cmp == "less" else "决算数与预算数基本持平", cmp, scope=GB)

# p23
d.S("一般公共预算财政拨款基本支出2336.91万元。", page=23)
d.A("expenditure_basic", "一般公共预算财政拨款基本支出", 2336.91, scope=GB)
d.S("其中：人员经费2152.26万元")
d.A("expenditure_personnel", "人员经费", 2152.26, scope=GB)
d.A("expenditure_public", "公用经费", 184.65, scope=GB)
d.S("“三公”经费财政拨款支出年初预算为0.95万元")
d.A("three_public_total", "“三公”经费财政拨款支出年初预算", 0.95, period="initial_budget", scope=F)
d.A("three_public_total", "支出决算", 0.00, scope=F)
d.CP("three_public_total", "完成预算", 0, scope=F)
for m, lab in [("three_public_abroad", "因公出国（境）费决算"), ("three_public_vehicle", "公务用车购置及运行维护费支出决算"),
               ("three_public_reception", "公务接待费支出决算")]:
    d.A(m, lab, 0.00, scope=F)
    d.CP(m, lab, 0, scope=F)
d.S("2024年度“三公”经费支出决算数小于预算数的主要原因")
d.CMP("three_public_total", "“三公”经费支出决算数小于预算数", "less")
d.A("three_public_total", "当年度无“三公”经费支出", 0, unit=None)
d.S("2024年度“三公”经费财政拨款支出决算数与2023年度持平。")
d.FLAT("three_public_total", "“三公”经费财政拨款支出决算数与2023年度持平", scope=F)
d.NEXT()  # 其中：…持平；…持平；…持平。
d.FLAT("three_public_abroad", "因公出国（境）费支出决算持平", scope=F)
d.FLAT("three_public_vehicle", "公务用车购置及运行维护费支出决算持平", scope=F)
d.FLAT("three_public_reception", "公务接待费支出决算持平", scope=F)
d.S("上海市普陀区财政局2024年度无“三公”经费财政拨款支出。")
d.A("three_public_total", "无“三公”经费财政拨款支出", 0, unit=None, scope=F)
d.S("上海市普陀区财政局2024年度无政府性基金预算财政拨款收入和支出。")
d.A("income_gov_fund", "无政府性基金预算财政拨款收入", 0, unit=None)
d.A("gov_fund_expenditure", "无政府性基金预算财政拨款支出", 0, unit=None)
d.S("上海市普陀区财政局2024年度无国有资本经营预算财政拨款收入和支出。")
d.A("income_state_capital", "无国有资本经营预算财政拨款收入", 0, unit=None)
d.A("state_capital_expenditure", "无国有资本经营预算财政拨款支出", 0, unit=None)
d.S("上海市普陀区财政局2024年度预算绩效管理工作开展情况如下")
d.N("perf_projects_with_targets", "编报绩效目标的2024年度项目", 4, "个")
d.A("perf_projects_with_targets_budget", "涉及预算金额", 598.42)
d.N("perf_projects_monitored", "绩效跟踪评价的2024年度项目", 4, "个")
d.A("perf_projects_monitored_budget", "涉及预算金额", 598.42)
d.N("perf_projects_self_evaluated", "绩效自评的2024年度项目", 4, "个")
d.A("perf_projects_self_evaluated_budget", "涉及预算金额", 598.42)
d.A("perf_avg_score", "平均得分", 99.43, unit="分")
d.N("perf_projects_excellent", "绩效评级为“优”的项目", 4, "个")
d.N("perf_projects_good", "绩效评级为“良”的项目", 0, "个")
d.N("perf_projects_pass", "绩效评级为“合格”的项目", 0, "个")
d.N("perf_projects_fail", "绩效评级为“不合格”的项目", 0, "个")
d.NEXT()  # 绩效自评中共发现问题0个…
d.N("perf_issues_found", "绩效自评中共发现问题", 0, "个")
d.N("perf_issues_fixed", "已经完成整改的", 0, "个")
d.N("perf_issues_fixing", "正在整改的", 0, "个")

# p24 其他重要事项
d.S("机关运行经费支出184.65万元", page=24)
d.A("operating_expenses", "机关运行经费支出", 184.65)
d.CH("operating_expenses", "机关运行经费支出", 2.55)
d.GR("operating_expenses", "机关运行经费支出", 1.40)
d.S("上海市普陀区财政局2024年度政府采购金额")
d.A("procurement_total", "政府采购金额（以合同签订为准）", 251.25)
d.A("procurement_goods", "货物采购金额", 4.79)
d.A("procurement_works", "工程采购金额", 0)
d.A("procurement_services", "服务采购金额", 246.47)
d.S("2024年度本部门面向中小企业预留政府采购项目预算金额")
d.A("procurement_sme_reserved_budget", "面向中小企业预留政府采购项目预算金额", 246.47)
d.A("procurement_micro_reserved_budget", "面向小微企业预留政府采购项目预算金额", 0)
d.S("在面向中小企业预留的政府采购项目中")
d.A("procurement_sme_reserved_awarded", "由中小企业供应商中标或成交的，采购金额", 246.47)
d.A("procurement_micro_reserved_awarded", "由小微企业供应商中标或成交的，采购金额", 0)
d.A("procurement_sme_other_awarded", "在其他政府采购项目中，由中小企业供应商中标或成交的，采购金额", 4.79)
d.S("截至2024年12月31日，上海市普陀区财政局共有车辆0辆")
d.N("vehicles_total", "共有车辆", 0, "辆")
for m, lab in [("vehicles_ministerial", "部级领导干部用车"), ("vehicles_principal", "主要领导干部用车"),
               ("vehicles_confidential", "机要通信用车"), ("vehicles_emergency", "应急保障用车"),
               ("vehicles_law_enforcement", "执法执勤用车"), ("vehicles_special_tech", "特种专业技术用车"),
               ("vehicles_retiree_service", "离退休干部用车"), ("vehicles_other", "其他用车")]:
    d.N(m, lab, 0, "辆")
d.S("单价100万元")
d.N("equipment_large", "单价100万元（含）以上设备（不含车辆）", 2, "台（套）")
