"""返乡入乡创业补贴 (郑政办〔2021〕13号): form, facts, claim rules and calculations behind forms.services.startup_subsidy."""
