"""Generate the benchmark's data set on PostgreSQL: COPY into staging tables, then INSERT ... SELECT.

    .venv/bin/python bench/load.py --lines 5000000 [--database-url postgres://postgres@127.0.0.1:5432/bench]

2,000 reps in 100 teams in 10 regions (by default), one fiscal year (2025) of orders (5 lines
each), credit shares (a fifth of the orders split 60/40 between two reps), payments, visits,
approved and submitted expense claims, and a target for every owner x metric x period.
Columns another app adds later are filled from the model's defaults, so the loader keeps working.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2025
METRICS = ["sales_amount", "gross_margin", "collection", "new_customers", "visits", "expenses"]
CHUNK = 200_000


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesorg.settings.test")
    import django

    django.setup()


def ensure_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def insert_from_staging(cursor, model, staging: str, columns: list[str]) -> None:
    """INSERT INTO the model's table SELECT the staging columns, filling the model's other
    NOT NULL columns from their defaults (auto_now(_add) fields get now())."""
    from django.db import connection

    target_cols, select_exprs, params = [], [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in columns:
            target_cols.append(column)
            select_exprs.append(column)
        elif field.primary_key:
            continue
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            target_cols.append(column)
            select_exprs.append("now()")
        elif field.null:
            continue
        elif field.has_default() or field.empty_strings_allowed:
            target_cols.append(column)
            select_exprs.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        else:
            raise SystemExit(f"{model.__name__}.{field.name} has no default: teach bench/load.py about it")
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(target_cols)})"
        f" SELECT {', '.join(select_exprs)} FROM {staging}",
        params,
    )


def copy_rows(cursor, staging: str, columns_sql: str, rows) -> int:
    """CREATE an unlogged staging table and COPY the rows (tab-separated text) into it."""
    cursor.execute(f"DROP TABLE IF EXISTS {staging}")
    cursor.execute(f"CREATE UNLOGGED TABLE {staging} ({columns_sql})")
    names = ", ".join(part.split()[0] for part in columns_sql.split(","))
    count = 0
    raw = cursor.cursor  # the psycopg cursor under Django's wrapper
    with raw.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write(row)
            count += 1
            if count % CHUNK == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--reps", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--regions", type=int, default=10)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--logins",
        action="store_true",
        help="also add the managers (director, a manager per region and team) and logins for the load tests",
    )
    args = parser.parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection, transaction

    from customers.models import Customer
    from fieldwork.models import ExpenseClaim, Visit
    from sales.models import CreditShare, Order, OrderLine, Payment, Product
    from staff.models import Person, Region, Team
    from targets.models import Achievement, AchievementBase, AchievementChange, AchievementTrend, RecomputeRun, Target

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    n_orders = max(1, args.lines // 5)
    n_customers = max(100, args.lines // 50)
    reps, teams, regions = args.reps, args.teams, args.regions
    team_of = {r: (r - 1) * teams // reps + 1 for r in range(1, reps + 1)}
    region_of_team = {t: (t - 1) * regions // teams + 1 for t in range(1, teams + 1)}
    year_start = date(YEAR, 1, 1)
    days = [(year_start + timedelta(days=d)).isoformat() for d in range(365)]

    tables = [
        Achievement,
        AchievementTrend,
        # The incremental night's kept base and outbox: the first run after a load is a full one.
        AchievementBase,
        AchievementChange,
        RecomputeRun,
        Target,
        Payment,
        CreditShare,
        OrderLine,
        Order,
        Visit,
        ExpenseClaim,
        Customer,
        Product,
        Person,
        Team,
        Region,
    ]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in tables) + " RESTART IDENTITY CASCADE")
    print(f"migrated and emptied in {time.perf_counter() - started:.1f} s", flush=True)

    with transaction.atomic(), connection.cursor() as cursor:
        # Bulk loaders skip per-row foreign-key triggers and the incremental night's change
        # triggers (nothing is noted: the data set starts with a full rebuild); the generator
        # keeps the keys right.
        cursor.execute("SET LOCAL session_replication_role = replica")

        def load(model, staging, columns_sql, rows):
            t0 = time.perf_counter()
            count = copy_rows(cursor, staging, columns_sql, rows)
            names = [part.split()[0] for part in columns_sql.split(",")]
            insert_from_staging(cursor, model, staging, [n.strip() for n in names])
            cursor.execute(f"DROP TABLE {staging}")
            print(f"  {model.__name__:<14} {count:>10,} rows in {time.perf_counter() - t0:6.1f} s", flush=True)

        load(
            Region,
            "stg_region",
            "id integer, code text, name text",
            (f"{i}\tR{i:03d}\tRegion {i}\n" for i in range(1, regions + 1)),
        )
        load(
            Team,
            "stg_team",
            "id integer, code text, name text, region_id integer",
            (f"{t}\tT{t:04d}\tTeam {t}\t{region_of_team[t]}\n" for t in range(1, teams + 1)),
        )
        load(
            Person,
            "stg_person",
            "id integer, employee_no text, name text, position text, status text, hire_date date, team_id integer,"
            " region_id integer",
            (
                f"{r}\tB{r:06d}\tRep {r}\trep\tactive\t2020-01-01\t{team_of[r]}\t{region_of_team[team_of[r]]}\n"
                for r in range(1, reps + 1)
            ),
        )
        load(
            Product,
            "stg_product",
            "id integer, code text, name text, product_line text, list_price numeric, unit_cost numeric",
            (f"{p}\tBP{p}\tProduct {p}\tline {p % 5}\t100.00\t60.00\n" for p in range(1, 101)),
        )
        customer_owner = [0] + [rng.randint(1, reps) for _ in range(n_customers)]
        load(
            Customer,
            "stg_customer",
            "id integer, code text, name text, owner_id integer, team_id integer, region_id integer",
            (
                f"{c}\tBC{c:07d}\tCustomer {c}\t{customer_owner[c]}\t{team_of[customer_owner[c]]}\t"
                f"{region_of_team[team_of[customer_owner[c]]]}\n"
                for c in range(1, n_customers + 1)
            ),
        )

        # Orders with their lines; the totals are needed for the shares and payments.
        order_total = [0] * (n_orders + 1)  # cents
        order_cost = [0] * (n_orders + 1)
        order_meta = [None] * (n_orders + 1)

        def order_rows():
            for o in range(1, n_orders + 1):
                cust = rng.randint(1, n_customers)
                day = rng.randrange(365)
                roll = rng.random()
                status = "confirmed" if roll < 0.9 else ("cancelled" if roll < 0.95 else "draft")
                order_meta[o] = (cust, day, status)
                yield f"{o}\tBO{o:08d}\t{cust}\t{days[day]}\t{status}\n"

        def line_rows():
            extra = args.lines - n_orders * 5
            for o in range(1, n_orders + 1):
                count = 5 + (extra if o == n_orders else 0)
                total = cost_total = 0
                for _ in range(count):
                    amount = rng.randint(1_000, 200_000)
                    cost = amount * rng.randint(40, 80) // 100
                    total += amount
                    cost_total += cost
                    yield (
                        f"{o}\t{rng.randint(1, 100)}\t1\t{amount // 100}.{amount % 100:02d}\t"
                        f"{cost // 100}.{cost % 100:02d}\t{amount // 100}.{amount % 100:02d}\t"
                        f"{cost // 100}.{cost % 100:02d}\n"
                    )
                order_total[o] = total
                order_cost[o] = cost_total

        load(Order, "stg_order", "id integer, number text, customer_id integer, date date, status text", order_rows())
        load(
            OrderLine,
            "stg_line",
            "order_id integer, product_id integer, quantity numeric, unit_price numeric,"
            " unit_cost numeric, amount numeric, cost numeric",
            line_rows(),
        )
        cursor.execute(
            f"UPDATE {Order._meta.db_table} o SET total_amount = l.a, total_cost = l.c FROM (SELECT order_id,"
            f" SUM(amount) a, SUM(cost) c FROM {OrderLine._meta.db_table} GROUP BY order_id) l WHERE l.order_id = o.id"
        )

        def money(cents: int) -> str:
            return f"{cents // 100}.{cents % 100:02d}"

        def share_rows():
            for o in range(1, n_orders + 1):
                cust, _day, _status = order_meta[o]
                owner = customer_owner[cust]
                total, margin = order_total[o], order_total[o] - order_cost[o]
                team = team_of[owner]
                if rng.random() < 0.2:
                    other = rng.randint(1, reps)
                    if other == owner:
                        other = owner % reps + 1
                    # 60 / 40: the 40 % share rounded down to the cent, the primary takes the rest.
                    part, part_margin = total * 40 // 100, margin * 40 // 100
                    yield (
                        f"{o}\t{owner}\t{team}\t{region_of_team[team]}\t60\t{money(total - part)}\t"
                        f"{money(margin - part_margin)}\tt\n"
                    )
                    t2 = team_of[other]
                    yield f"{o}\t{other}\t{t2}\t{region_of_team[t2]}\t40\t{money(part)}\t{money(part_margin)}\tf\n"
                else:
                    yield f"{o}\t{owner}\t{team}\t{region_of_team[team]}\t100\t{money(total)}\t{money(margin)}\tt\n"

        load(
            CreditShare,
            "stg_share",
            "order_id integer, rep_id integer, team_id integer, region_id integer,"
            " percent numeric, amount numeric, margin numeric, is_primary boolean",
            share_rows(),
        )

        def payment_rows():
            for o in range(1, n_orders + 1):
                _cust, day, status = order_meta[o]
                if status == "confirmed" and rng.random() < 0.7:
                    paid = order_total[o] if rng.random() < 0.8 else order_total[o] // 2 + 1
                    pay_day = min(day + rng.randint(0, 60), 364)
                    yield f"{o}\t{_cust}\t{days[pay_day]}\t{money(paid)}\n"

        load(Payment, "stg_payment", "order_id integer, customer_id integer, date date, amount numeric", payment_rows())
        visits_per_rep = max(1, args.lines // 20 // reps)
        load(
            Visit,
            "stg_visit",
            "customer_id integer, author_id integer, team_id integer, region_id integer, date date",
            (
                f"{rng.randint(1, n_customers)}\t{r}\t{team_of[r]}\t{region_of_team[team_of[r]]}\t"
                f"{days[rng.randrange(365)]}\n"
                for r in range(1, reps + 1)
                for _ in range(visits_per_rep)
            ),
        )
        load(
            ExpenseClaim,
            "stg_expense",
            "person_id integer, team_id integer, region_id integer, date date, amount numeric, status text",
            (
                f"{r}\t{team_of[r]}\t{region_of_team[team_of[r]]}\t{days[rng.randrange(365)]}\t"
                f"{money(rng.randint(1000, 50000))}\t{'approved' if rng.random() < 0.8 else 'submitted'}\n"
                for r in range(1, reps + 1)
                for _ in range(20)
            ),
        )

        # A target for every owner x metric x period of the year (company, regions, teams, reps).
        periods = (
            [(str(YEAR), "year")]
            + [(f"{YEAR}-Q{q}", "quarter") for q in range(1, 5)]
            + [(f"{YEAR}-{m:02d}", "month") for m in range(1, 13)]
        )
        owners = [("company", 0, "\\N", "\\N", "\\N")]
        owners += [("region", g, g, "\\N", "\\N") for g in range(1, regions + 1)]
        owners += [("team", t, region_of_team[t], t, "\\N") for t in range(1, teams + 1)]
        owners += [("rep", r, region_of_team[team_of[r]], team_of[r], r) for r in range(1, reps + 1)]

        def target_rows():
            for kind, key, region, team, person in owners:
                for metric in METRICS:
                    for period, period_kind in periods:
                        value = rng.randint(1, 10_000_000)
                        yield (
                            f"{kind}\t{key}\t{region}\t{team}\t{person}\t{metric}\t{period}\t{period_kind}\t"
                            f"{money(value)}\t{money(value * 12 // 10)}\tapproved\t1\n"
                        )

        load(
            Target,
            "stg_target",
            "owner_kind text, owner_key integer, region_id integer, team_id integer,"
            " person_id integer, metric text, period text, period_kind text, value numeric, stretch_value numeric,"
            " status text, version integer",
            target_rows(),
        )
        for model in (Region, Team, Person, Product, Customer, Order):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    if args.logins:
        add_managers_and_logins(regions=regions, teams=teams, region_of_team=region_of_team)
    with connection.cursor() as cursor:
        # VACUUM too: the loader's updates leave dead rows (a million of the orders' at full size)
        # that a server with autovacuum off would keep, and every scan would read.
        cursor.execute("VACUUM ANALYZE")
    print(f"loaded {args.lines:,} order lines in {time.perf_counter() - started:.1f} s", flush=True)


def add_managers_and_logins(*, regions: int, teams: int, region_of_team: dict[int, int]) -> None:
    """The management line above the reps, as in a real organization, and the logins the load tests
    use (password demo1234): admin (superuser), director, rm01 (region 1), tm01 (team 1) and
    rep01..rep10 (the first ten reps, all in team 1)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.db import connection, transaction

    from staff.models import Person, PersonStatus, Position, Region, Team

    user_model = get_user_model()
    # The hasher a real server checks with (the loader runs under the test settings, whose fast
    # hasher a server does not accept).
    hashed = PBKDF2PasswordHasher().encode("demo1234", PBKDF2PasswordHasher().salt())

    def login(username: str, superuser: bool = False):
        return user_model.objects.create(username=username, password=hashed, is_staff=superuser, is_superuser=superuser)

    hire = date(2020, 1, 1)
    with transaction.atomic():
        user_model.objects.filter(
            username__in=["admin", "director", "rm01", "tm01"] + [f"rep{i:02d}" for i in range(1, 11)]
        ).delete()
        login("admin", superuser=True)
        director = Person.objects.create(
            employee_no="M0000",
            name="Director",
            position=Position.DIRECTOR,
            hire_date=hire,
            status=PersonStatus.ACTIVE,
            user=login("director"),
        )
        region_managers = {
            g: Person.objects.create(
                employee_no=f"M{g:04d}",
                name=f"Regional manager {g}",
                position=Position.REGIONAL_MANAGER,
                region=Region.objects.get(pk=g),
                manager=director,
                hire_date=hire,
                status=PersonStatus.ACTIVE,
                user=login("rm01") if g == 1 else None,
            )
            for g in range(1, regions + 1)
        }
        team_rows = {team.pk: team for team in Team.objects.all()}
        team_managers = Person.objects.bulk_create(
            Person(
                employee_no=f"M{1000 + t:04d}",
                name=f"Team manager {t}",
                position=Position.TEAM_MANAGER,
                team=team_rows[t],
                region_id=region_of_team[t],
                manager=region_managers[region_of_team[t]],
                hire_date=hire,
                status=PersonStatus.ACTIVE,
                user=login("tm01") if t == 1 else None,
            )
            for t in range(1, teams + 1)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Person._meta.db_table} p SET manager_id = m.id FROM {Person._meta.db_table} m"
                " WHERE p.position = 'rep' AND m.position = 'team_manager' AND m.team_id = p.team_id"
            )
        for i in range(1, 11):
            Person.objects.filter(employee_no=f"B{i:06d}").update(user=login(f"rep{i:02d}"))
    print(
        f"  managers: 1 director, {len(region_managers)} regional, {len(team_managers)} team; logins added", flush=True
    )


if __name__ == "__main__":
    main()
