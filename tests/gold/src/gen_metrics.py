# helper to write metrics.yaml (compact source); output is the data file
import yaml

M=[]
def m(id,zh,unit_kind="money",aliases=(),parent=None):
    d={"id":id,"zh":zh,"aliases":list(aliases),"unit_kind":unit_kind}
    if parent: d["parent"]=parent
    M.append(d)
# ---- income
m("income_total","本年收入合计",aliases=["收入合计","总收入","本年收入"])
m("income_fiscal","财政拨款收入",parent="income_total",aliases=["财政收入"])
m("income_general_budget","一般公共预算财政拨款收入",parent="income_fiscal")
m("income_gov_fund","政府性基金预算财政拨款收入",parent="income_fiscal")
m("income_state_capital","国有资本经营预算财政拨款收入",parent="income_fiscal")
m("income_upper_subsidy","上级补助收入",parent="income_total")
m("income_business","事业收入",parent="income_total")
m("income_business_tuition","教育收费",parent="income_business",aliases=["事业收入中的教育收费"])
m("income_operating","经营收入",parent="income_total")
m("income_affiliated","附属单位上缴收入",parent="income_total",aliases=["附属单位缴款收入"])
m("income_other","其他收入",parent="income_total")
m("income_nonfiscal_balance_used","使用非财政拨款结余",aliases=["用事业基金弥补收支差额"])
m("carryover_begin","年初结转和结余",aliases=["年初结转","年初财政结转","年初结转结余"])
m("carryover_end","年末结转和结余",aliases=["年末结转","年末财政结转","年末结转结余"])
m("balance_distribution","结余分配")
# ---- totals
m("grand_total","总计",aliases=["收支总计","收入支出总计","收、支总计"])
m("grand_total_income","收入总计",parent="grand_total")
m("grand_total_expenditure","支出总计",parent="grand_total")
# ---- expenditure
m("expenditure_total","本年支出合计",aliases=["支出合计","总支出"])
m("expenditure_basic","基本支出",parent="expenditure_total",aliases=["日常支出"])
m("expenditure_project","项目支出",parent="expenditure_total")
m("expenditure_upper_remit","上缴上级支出",parent="expenditure_total")
m("expenditure_operating","经营支出",parent="expenditure_total")
m("expenditure_affiliated_subsidy","对附属单位补助支出",parent="expenditure_total")
m("expenditure_remit_operating_affiliated","上缴上级支出、经营支出、对附属单位补助支出（合计）",parent="expenditure_total")
m("expenditure_personnel","人员经费",parent="expenditure_basic",aliases=["人员经费支出"])
m("expenditure_public","公用经费",parent="expenditure_basic",aliases=["日常公用经费","公用经费支出"])
m("fiscal_expenditure","财政拨款支出")
m("general_budget_expenditure","一般公共预算财政拨款支出",parent="fiscal_expenditure",aliases=["一般公共预算支出","一般公共预算财政拨款决算支出","一般公共预算财政拨款总支出"])
m("gov_fund_expenditure","政府性基金预算财政拨款支出",parent="fiscal_expenditure",aliases=["政府性基金预算拨款支出"])
m("state_capital_expenditure","国有资本经营预算财政拨款支出",parent="fiscal_expenditure",aliases=["国有资本经营预算拨款支出"])
# ---- 三公
m("three_public_total","“三公”经费",aliases=["三公经费","“三公”经费支出","“三公”经费财政拨款支出"])
m("three_public_abroad","因公出国（境）费",parent="three_public_total",aliases=["因公出国（境）经费"])
m("three_public_vehicle","公务用车购置及运行维护费",parent="three_public_total",aliases=["公务用车购置及运行费"])
m("three_public_vehicle_purchase","公务用车购置费",parent="three_public_vehicle",aliases=["公务用车购置支出"])
m("three_public_vehicle_operation","公务用车运行维护费",parent="three_public_vehicle",aliases=["公务用车运行维护支出","公务用车运行费","公车维护费"])
m("three_public_reception","公务接待费",parent="three_public_total",aliases=["公务接待"])
m("reception_domestic","国内接待费",parent="three_public_reception",aliases=["国内公务接待支出","国内公务接待费"])
m("reception_foreign_affairs","外事接待费",parent="reception_domestic",aliases=["外事接待支出","外宾接待支出"])
m("reception_foreign","国（境）外接待费",parent="three_public_reception")
m("reception_batches","公务接待批次","count")
m("reception_persons","公务接待人次","count")
m("reception_domestic_batches","国内公务接待批次","count",parent="reception_batches")
m("reception_domestic_persons","国内公务接待人次","count",parent="reception_persons")
m("reception_foreign_affairs_batches","外事接待批次","count",parent="reception_domestic_batches",aliases=["接待外宾批次"])
m("reception_foreign_affairs_persons","外事接待人次","count",parent="reception_domestic_persons",aliases=["接待外宾人次"])
m("reception_foreign_batches","国（境）外公务接待批次","count",parent="reception_batches")
m("reception_foreign_persons","国（境）外公务接待人次","count",parent="reception_persons")
m("abroad_groups","因公出国（境）团组数","count",aliases=["出国团组"])
m("abroad_persons","因公出国（境）人次","count",aliases=["出国（境）人数"])
m("vehicles_purchased","购置公务用车数","count",aliases=["购置车辆"])
m("vehicles_held","公务用车保有量","count",aliases=["开支财政拨款的公务用车保有量"])
# ---- 机关运行经费
m("operating_expenses","机关运行经费",aliases=["机关运行经费支出"])
# ---- 政府采购
m("procurement_total","政府采购支出总额",aliases=["政府采购金额","政府采购支出"])
m("procurement_goods","政府采购货物支出",parent="procurement_total",aliases=["货物采购金额"])
m("procurement_works","政府采购工程支出",parent="procurement_total",aliases=["工程采购金额"])
m("procurement_services","政府采购服务支出",parent="procurement_total",aliases=["服务采购金额"])
m("procurement_sme","授予中小企业合同金额",parent="procurement_total")
m("procurement_sme_share","授予中小企业合同金额占政府采购支出总额的比例","percent")
m("procurement_micro","授予小微企业合同金额",parent="procurement_sme")
m("procurement_micro_share","授予小微企业合同金额占政府采购支出总额的比例","percent")
m("procurement_sme_reserved_budget","面向中小企业预留政府采购项目预算金额")
m("procurement_micro_reserved_budget","面向小微企业预留政府采购项目预算金额")
m("procurement_sme_reserved_awarded","面向中小企业预留项目中由中小企业供应商中标或成交的采购金额")
m("procurement_micro_reserved_awarded","面向小微企业预留项目中由小微企业供应商中标或成交的采购金额")
m("procurement_sme_other_awarded","其他政府采购项目中由中小企业供应商中标或成交的采购金额")
# ---- assets
m("assets_total","资产总额")
m("assets_current","流动资产",parent="assets_total")
m("assets_fixed","固定资产",parent="assets_total")
m("assets_investment","对外投资及有价证券",parent="assets_total")
m("assets_construction","在建工程",parent="assets_total")
m("assets_intangible","无形资产",parent="assets_total")
m("assets_other","其他资产",parent="assets_total")
m("asset_disposal_building_area","处置房屋建筑物面积","area")
m("asset_disposal_building_value","处置房屋建筑物账面原值")
m("asset_disposal_vehicles","处置车辆数","count")
m("asset_disposal_vehicles_value","处置车辆账面原值")
m("asset_write_off_items","报废报损资产项数","count")
m("asset_write_off_value","报废报损资产账面原值")
m("asset_disposal_income","资产处置收入")
m("asset_rent_area","出租房屋面积","area")
m("asset_rent_value","出租房屋账面原值")
m("asset_use_income","资产使用收入")
m("vehicles_total","车辆总数","count",aliases=["共有车辆","在编实有车辆"])
m("vehicles_ministerial","副部（省）级及以上领导用车","count",parent="vehicles_total",aliases=["部级领导干部用车"])
m("vehicles_principal","主要负责人用车","count",parent="vehicles_total",aliases=["主要领导干部用车"])
m("vehicles_confidential","机要通信用车","count",parent="vehicles_total")
m("vehicles_emergency","应急保障用车","count",parent="vehicles_total")
m("vehicles_law_enforcement","执法执勤用车","count",parent="vehicles_total")
m("vehicles_special_tech","特种专业技术用车","count",parent="vehicles_total")
m("vehicles_retiree_service","离退休干部服务用车","count",parent="vehicles_total",aliases=["离退休干部用车"])
m("vehicles_other","其他用车","count",parent="vehicles_total")
m("equipment_large","单价100万元（含）以上设备（不含车辆）","count",aliases=["单价100万元以上设备"])
m("equipment_general_50","单价50万元以上通用设备","count")
m("equipment_special_100","单价100万元以上专用设备","count")
# ---- units, staff, vehicles authorized
m("units_total","纳入部门决算编报的单位数","count",aliases=["下属二级单位","独立核算单位"])
m("units_admin","行政单位数","count",parent="units_total")
m("units_civil_managed","参照公务员法管理的事业单位数","count",parent="units_total")
m("units_public_service","其他事业单位数","count",parent="units_total")
m("staff_authorized","人员编制","count",aliases=["实有人员编制","核定编制"])
m("staff_authorized_admin","行政编制","count",parent="staff_authorized")
m("staff_authorized_admin_worker","行政工勤编制","count",parent="staff_authorized_admin")
m("staff_authorized_public","事业编制","count",parent="staff_authorized")
m("staff_authorized_public_civil","参公管理事业编制","count",parent="staff_authorized_public")
m("staff_actual","在职实有人员","count",aliases=["在职在编实有人员","实有人数","财政供养人员数量"])
m("staff_actual_admin","在职在编实有行政人员","count",parent="staff_actual",aliases=["实有行政人员"])
m("staff_actual_admin_worker","实有行政工勤人员","count",parent="staff_actual_admin")
m("staff_actual_public","实有事业人员","count",parent="staff_actual",aliases=["事业编制人员"])
m("staff_actual_public_civil","实有参公管理事业人员","count",parent="staff_actual_public")
m("staff_other","其他人员","count")
m("staff_purchased_service","政府购买服务岗位人员","count",parent="staff_other")
m("staff_retired_total","离退休人员","count")
m("staff_retired_lixiu","离休人员","count",parent="staff_retired_total")
m("staff_retired_tuixiu","退休人员","count",parent="staff_retired_total")
m("posts_leader","领导职数（局长、副局长、股级职数等）","count",aliases=["职数"])
m("vehicles_authorized","车辆编制","count",aliases=["实有车辆编制"])
# ---- projects and performance
m("project_budget_initial","项目年初预算数",aliases=["年初预算数"])
m("project_budget_full_year","项目全年预算数",aliases=["全年预算数"])
m("project_spent","项目全年执行数",aliases=["全年执行数","执行数","项目开支","经费支出"])
m("project_execution_rate","项目执行率","percent",aliases=["执行率","完成预算的"])
m("perf_projects_with_targets","编报绩效目标的项目个数","count")
m("perf_projects_with_targets_budget","编报绩效目标的项目涉及预算金额")
m("perf_projects_monitored","绩效跟踪（监控）的项目个数","count",aliases=["开展绩效监控的项目"])
m("perf_projects_monitored_budget","绩效跟踪评价的项目涉及预算金额")
m("perf_projects_self_evaluated","绩效自评的项目个数","count",aliases=["二级项目绩效自评个数"])
m("perf_projects_self_evaluated_budget","绩效自评的项目涉及预算金额",aliases=["涉及资金"])
m("perf_projects_evaluated","部门自行组织绩效评价的项目个数","count")
m("perf_avg_score","绩效自评平均得分","score")
m("perf_projects_excellent","绩效评级为“优”的项目个数","count")
m("perf_projects_good","绩效评级为“良”的项目个数","count")
m("perf_projects_pass","绩效评级为“合格”/“中”的项目个数","count")
m("perf_projects_fail","绩效评级为“不合格”/“差”的项目个数","count")
m("perf_issues_found","绩效自评发现问题个数","count")
m("perf_issues_fixed","已完成整改的问题个数","count",parent="perf_issues_found")
m("perf_issues_fixing","正在整改的问题个数","count",parent="perf_issues_found")
m("perf_target_amount","绩效目标金额",aliases=["绩效目标为"])
m("perf_actual_amount","绩效目标完成金额",aliases=["完成情况为"])
m("perf_initial_allocation","年初安排资金",aliases=["财政年初安排"])
m("perf_satisfaction_rate","满意度","percent",aliases=["满意率","受益群体满意度"])
m("perf_output","绩效产出数量（件、次、批次、人次等工作量）","count",aliases=["办结","交办","接访","学习","会议"])
# ---- function classes (支出功能分类)
F={"201":"一般公共服务支出","202":"外交支出","203":"国防支出","204":"公共安全支出","205":"教育支出","206":"科学技术支出",
"207":"文化旅游体育与传媒支出","208":"社会保障和就业支出","209":"社会保险基金支出","210":"卫生健康支出","211":"节能环保支出",
"212":"城乡社区支出","213":"农林水支出","214":"交通运输支出","215":"资源勘探工业信息等支出","216":"商业服务业等支出",
"217":"金融支出","219":"援助其他地区支出","220":"自然资源海洋气象等支出","221":"住房保障支出","222":"粮油物资储备支出",
"223":"国有资本经营预算支出","224":"灾害防治及应急管理支出","227":"预备费","229":"其他支出","230":"转移性支出",
"231":"债务还本支出","232":"债务付息支出",
"20103":"政府办公厅（室）及相关机构事务","2010301":"行政运行","2010302":"一般行政管理事务","2010308":"信访事务","2010350":"事业运行",
"20106":"财政事务","2010601":"行政运行","2010602":"一般行政管理事务","2010607":"信息化建设","2010608":"财政委托业务支出",
"20136":"其他共产党事务支出","2013699":"其他共产党事务支出",
"20805":"行政事业单位养老支出","2080501":"行政单位离退休","2080502":"事业单位离退休","2080505":"机关事业单位基本养老保险缴费支出",
"2080506":"机关事业单位职业年金缴费支出","2080599":"其他行政事业单位养老支出","20807":"就业补助","20808":"抚恤",
"21011":"行政事业单位医疗","2101101":"行政单位医疗","2101102":"事业单位医疗","2101103":"公务员医疗补助","2101199":"其他行政事业单位医疗支出",
"21201":"城乡社区管理事务","2120101":"行政运行","21202":"城乡社区规划与管理","2120201":"城乡社区规划与管理",
"22001":"自然资源事务","2200101":"行政运行","2200150":"事业运行","2200199":"其他自然资源事务支出",
"22102":"住房改革支出","2210201":"住房公积金","2210202":"提租补贴","2210203":"购房补贴"}
FAL={"2010308":["信访事务支出"],"2013699":["其他共产党事务支出"],"2080505":["机关事业单位基本养老保险缴费"],
"2101101":["行政单位医疗支出"],"2101103":["公务员医疗补助支出"],"2210201":["住房公积金支出"],
"2080599":["机关事业单位退休人员活动费支出"],"2200199":["其他国土资源事务支出"],"20807":["就业补助支出"]}
for c,n in F.items():
    par=None
    if len(c)==5: par="func:"+c[:3]
    if len(c)==7: par="func:"+c[:5]
    if par and par[5:] not in F: par="func:"+c[:3]
    m("func:"+c,n,aliases=FAL.get(c,[]),parent=par)
# ---- economic classes (支出经济分类)
E={"301":"工资福利支出","30101":"基本工资","30102":"津贴补贴","30103":"奖金","30106":"伙食补助费","30107":"绩效工资",
"30108":"机关事业单位基本养老保险缴费","30109":"职业年金缴费","30110":"职工基本医疗保险缴费","30111":"公务员医疗补助缴费",
"30112":"其他社会保障缴费","30113":"住房公积金","30114":"医疗费","30199":"其他工资福利支出",
"302":"商品和服务支出","30201":"办公费","30202":"印刷费","30203":"咨询费","30204":"手续费","30205":"水费","30206":"电费",
"30207":"邮电费","30208":"取暖费","30209":"物业管理费","30211":"差旅费","30212":"因公出国（境）费用","30213":"维修（护）费",
"30214":"租赁费","30215":"会议费","30216":"培训费","30217":"公务接待费","30218":"专用材料费","30224":"被装购置费",
"30225":"专用燃料费","30226":"劳务费","30227":"委托业务费","30228":"工会经费","30229":"福利费","30231":"公务用车运行维护费",
"30239":"其他交通费用","30240":"税金及附加费用","30299":"其他商品和服务支出",
"303":"对个人和家庭的补助","30301":"离休费","30302":"退休费","30303":"退职（役）费","30304":"抚恤金","30305":"生活补助",
"30306":"救济费","30307":"医疗费补助","30308":"助学金","30309":"奖励金","30310":"个人农业生产补贴","30399":"其他对个人和家庭的补助",
"307":"债务利息及费用支出","309":"资本性支出（基本建设）","310":"资本性支出","31001":"房屋建筑物购建","31002":"办公设备购置",
"31003":"专用设备购置","31005":"基础设施建设","31006":"大型修缮","31007":"信息网络及软件购置更新","31008":"物资储备",
"31009":"土地补偿","31013":"公务用车购置","31019":"其他交通工具购置","31021":"文物和陈列品购置","31022":"无形资产购置",
"31099":"其他资本性支出","399":"其他支出"}
EAL={"30239":["其他交通费"],"30201":["办公费用"]}
for c,n in E.items():
    m("econ:"+c,n,aliases=EAL.get(c,[]),parent=("econ:"+c[:3]) if len(c)==5 else None)
ids=[x["id"] for x in M]; assert len(ids)==len(set(ids))
hdr=open("tests/gold/src/metrics_header.txt").read()
with open("extraction/data/metrics.yaml","w") as f:
    f.write(hdr)
    for x in M:
        f.write("- "+yaml.safe_dump(x,allow_unicode=True,default_flow_style=True,sort_keys=False,width=1000).strip()+"\n")
print(len(M))
